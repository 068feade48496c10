import pkg from "../package.json" with { type: "json" };

/** VERSION is Hearth's release, embedded from package.json at build time. */
export const VERSION: string = pkg.version;
