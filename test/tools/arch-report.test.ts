import { describe, expect, it } from "bun:test";
import { measureFile } from "../../tools/arch-report.ts";

const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");

describe("arch-report measureFile", () => {
  it("reports functions longer than the limit, by name and length, and no shorter ones", () => {
    const text = `export function long() {\n${body(85)}\n}\nconst short = () => {\n${body(10)}\n};\n`;
    const m = measureFile("x.ts", text, 80);
    expect(m.long).toEqual([{ file: "x.ts", name: "long", line: 1, lines: 87 }]);
  });

  it("counts `as` casts and `<T>` assertions apart from `as const`", () => {
    const m = measureFile("x.ts", `const a = 1 as unknown as string;\nconst b = <number>(2 as number);\nconst c = [1] as const;\n`, 80);
    expect(m.casts).toBe(4);
    expect(m.constCasts).toBe(1);
  });
});
