/** ENV_PACKAGE is a package whose config is a required secret API_KEY and a plain REGION with a default. */
export const ENV_PACKAGE = {
  registryType: "npm",
  identifier: "@example/env",
  version: "1.0.0",
  transport: { type: "stdio" },
  environmentVariables: [
    { name: "API_KEY", description: "The service key", isRequired: true, isSecret: true },
    { name: "REGION", description: "Where", choices: ["eu", "us"], default: "eu" },
  ],
};

/** jsonRequest builds a JSON request's init with the given auth headers. */
export function jsonRequest(method: string, body: unknown, headers: Record<string, string>): RequestInit {
  return { method, body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } };
}
