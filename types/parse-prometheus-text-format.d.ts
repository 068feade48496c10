// The package ships no types; tests use it only to prove /metrics parses as Prometheus text.
declare module "parse-prometheus-text-format" {
  const parse: (text: string) => unknown[];
  export default parse;
}
