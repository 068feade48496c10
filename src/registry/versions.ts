/** compareVersions orders two version strings: semver when both are, else undefined (caller decides). */
export function compareVersions(a: string, b: string): number | undefined {
  const semverish = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
  if (!semverish.test(a) || !semverish.test(b)) return undefined;
  return Bun.semver.order(a, b);
}

/** isNewer tells whether a candidate version should replace the current latest; non-semver: newest published wins. */
export function isNewer(candidate: string, current: string | undefined): boolean {
  if (current === undefined) return true;
  return (compareVersions(candidate, current) ?? 1) > 0;
}
