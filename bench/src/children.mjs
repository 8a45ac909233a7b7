// The bench's child processes: a server script started with an IPC channel, which says when it is ready, and
// answers questions ("gc", "requests", "paths") over it.
import { fork, spawn } from "node:child_process";

const STDIO = ["ignore", "ignore", "inherit", "ipc"];

/**
 * Starts a script; resolves with `{ child, pid, ...its ready message }`, rejects if it fails or exits first. With
 * `cpu`, pinned to that CPU (`taskset` execs node, so the pid and the IPC channel are node's).
 */
export function start(file, args = [], { cpu, execArgv = ["--expose-gc"] } = {}) {
  return new Promise((resolve, reject) => {
    const child =
      cpu === undefined
        ? fork(file, args, { stdio: STDIO, execArgv })
        : spawn("taskset", ["-c", String(cpu), process.execPath, ...execArgv, file, ...args], { stdio: STDIO });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
    child.once("message", (message) => resolve({ child, pid: child.pid, ...message }));
  });
}

/** Sends `message` to a child; resolves with the field `field` of its first answer that has it. */
export function ask(child, message, field) {
  return new Promise((resolve) => {
    const onMessage = (answer) => {
      if (answer?.[field] === undefined) return;
      child.off("message", onMessage);
      resolve(answer[field]);
    };
    child.on("message", onMessage);
    child.send(message);
  });
}
