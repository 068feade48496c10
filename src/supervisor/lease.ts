import type { Child, ChildEndState } from "./child.ts";

/** Lease is one child serving one client session; release ends it and deletes its work dir. */
export interface Lease {
  id: string;
  serverKey: string;
  child: Child;
  sandboxed: boolean;
  release(reason: string): Promise<ChildEndState>;
}
