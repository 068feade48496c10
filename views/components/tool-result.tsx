import { httpUrl, prettyJson } from "../format.ts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : "");

// Images are shown from data: URLs only for raster formats and SVG (inert inside <img>), with a
// base64 body: nothing from the server can become markup or a script.
const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml)$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** textOrJson pretty-prints text that is JSON, and leaves other text alone. */
export function textOrJson(text: string): string {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return text;
  try {
    return JSON.stringify(JSON.parse(t), null, 2);
  } catch {
    return text;
  }
}

function Content(p: { item: Obj }): JSX.Element {
  const c = p.item;
  switch (c.type) {
    case "text":
      return (
        <pre class="out">
          <code safe>{textOrJson(str(c.text))}</code>
        </pre>
      );
    case "image": {
      const mime = str(c.mimeType);
      const data = str(c.data);
      if (IMAGE_TYPES.test(mime) && BASE64.test(data) && data.length < 8_000_000) {
        return <img class="out-image" src={`data:${mime};base64,${data}`} alt="image returned by the tool" />;
      }
      return <p class="muted" safe>{`An image (${mime || "unknown type"}) that can't be shown here.`}</p>;
    }
    case "audio":
      return <p class="muted" safe>{`Audio (${str(c.mimeType) || "unknown type"}, ${Math.round((str(c.data).length * 3) / 4 / 1024)} KiB).`}</p>;
    case "resource_link": {
      const href = httpUrl(str(c.uri));
      return (
        <p>
          Link:{" "}
          {href ? (
            <a href={href} rel="noopener noreferrer nofollow" safe>
              {str(c.name) || href}
            </a>
          ) : (
            <code safe>{str(c.uri)}</code>
          )}
        </p>
      );
    }
    case "resource": {
      const r = isObj(c.resource) ? c.resource : {};
      return (
        <div class="out-resource">
          <p>
            Resource <code safe>{str(r.uri)}</code> {str(r.mimeType) ? <span class="badge" safe>{str(r.mimeType)}</span> : ""}
          </p>
          {typeof r.text === "string" ? (
            <pre class="out">
              <code safe>{textOrJson(r.text)}</code>
            </pre>
          ) : (
            <p class="muted">Binary content.</p>
          )}
        </div>
      );
    }
    default:
      return (
        <pre class="out">
          <code safe>{prettyJson(c)}</code>
        </pre>
      );
  }
}

/** ToolResultProps are one call's outcome: the result, or an error message, and how long it took. */
export interface ToolResultProps {
  tool: string;
  ms?: number;
  result?: Obj;
  error?: string;
}

/** ToolResult shows a tool call's result: text (JSON pretty-printed), images, resources, structured content, errors, duration. */
export function ToolResult(p: ToolResultProps): JSX.Element {
  const failed = Boolean(p.error) || p.result?.isError === true;
  const content = Array.isArray(p.result?.content) ? (p.result.content as unknown[]).filter(isObj) : [];
  const took = p.ms !== undefined ? `${p.ms < 10 ? p.ms.toFixed(1) : Math.round(p.ms)} ms` : "";
  return (
    <div class={failed ? "result failed" : "result"} data-tool={p.tool}>
      <p class="result-head">
        <strong>{failed ? "Error" : "Result"}</strong> <code safe>{p.tool}</code>
        {took ? <span class="badge" safe>{took}</span> : ""}
      </p>
      {p.error ? (
        <pre class="out">
          <code safe>{p.error}</code>
        </pre>
      ) : (
        ""
      )}
      {content.map((c) => (
        <Content item={c} />
      ))}
      {p.result && isObj(p.result.structuredContent) ? (
        <>
          <h4>Structured content</h4>
          <pre class="out">
            <code safe>{prettyJson(p.result.structuredContent)}</code>
          </pre>
        </>
      ) : (
        ""
      )}
      {p.result && !content.length && !isObj(p.result.structuredContent) ? <p class="muted">The tool returned no content.</p> : ""}
      {p.result ? (
        <details class="raw">
          <summary>Raw response</summary>
          <pre>
            <code safe>{prettyJson(p.result)}</code>
          </pre>
        </details>
      ) : (
        ""
      )}
    </div>
  );
}
