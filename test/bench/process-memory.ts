import * as fs from 'node:fs';

export interface ProcessMemory {
  peakMb: number;
  /** Resident size at the first sample. */
  firstMb: number;
  samples: number;
}

/**
 * Samples another process's resident size from /proc every `intervalMs`, and its high-water mark (VmHWM, kept by the
 * kernel): the peak is right even if it fell between two samples, as long as one sample comes after it.
 */
export function sampleProcess(pid: number, intervalMs: number, trace = false): { stop(): ProcessMemory } {
  let peakKb = 0;
  let firstKb = 0;
  let samples = 0;
  const read = () => {
    let status: string;
    try {
      status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return; // gone
    }
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    if (rss === 0) return; // a zombie: its memory is already released
    if (samples === 0) firstKb = rss;
    peakKb = Math.max(peakKb, rss, hwm);
    if (trace && samples % Math.max(1, Math.round(500 / intervalMs)) === 0)
      process.stderr.write(`${Math.round(rss / 1024)} `);
    samples += 1;
  };
  read();
  const timer = setInterval(read, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      if (trace) process.stderr.write('\n');
      return { peakMb: peakKb / 1024, firstMb: firstKb / 1024, samples };
    },
  };
}
