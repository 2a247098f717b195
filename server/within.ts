// Shutdown waits for each piece of work only until one deadline shared by all of them.

/** Whether `work` settles before `deadline` (a Date.now() time). */
export function within(work: Promise<unknown>, deadline: number): Promise<boolean> {
  return Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), Math.max(0, deadline - Date.now())).unref()),
  ]);
}
