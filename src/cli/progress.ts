// A spinner on stderr while something slow runs, only when stderr is a terminal: pipes, logs and
// IDEs see nothing. Written here because it is a dozen lines and the libraries pull in colour kits.
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** withProgress runs work while a spinner labelled `label` turns on a TTY stderr. */
export async function withProgress<T>(label: string, work: () => Promise<T>, stream: NodeJS.WriteStream = process.stderr): Promise<T> {
  if (!stream.isTTY) return work();
  let i = 0;
  const draw = () => stream.write(`\r${FRAMES[i++ % FRAMES.length]} ${label}`);
  // Quick answers don't flash a spinner.
  const start = setTimeout(() => {
    draw();
    timer = setInterval(draw, 80);
  }, 150);
  let timer: Timer | undefined;
  try {
    return await work();
  } finally {
    clearTimeout(start);
    if (timer) {
      clearInterval(timer);
      stream.write("\r\x1b[2K");
    }
  }
}
