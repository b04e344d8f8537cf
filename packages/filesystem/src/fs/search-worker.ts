import { parentPort } from 'node:worker_threads';
import { compileQuery } from './content-search.js';
import { BatchScanner, DONE, type FromWorker, STOP, type ToWorker } from './file-scan.js';

/**
 * The content search's second thread: it searches the batches of files the main thread hands
 * it, each file named through its folder's descriptor, which the main thread holds open until
 * the batch's answer is back. It never walks, never decides what to search: it only reads.
 */

interface Running {
  ready: Promise<BatchScanner | undefined>;
  control: Int32Array;
}

const searches = new Map<number, Running>();
const port = parentPort;

port?.on('message', (message: ToWorker) => {
  if (message.kind === 'search') {
    const ready = compileQuery(message.query).then(
      ({ find }) => new BatchScanner(find, message.settings, 'scan'),
      () => undefined, // answered `lost`: the main thread searches those batches itself
    );
    searches.set(message.search, { ready, control: message.control });
    return;
  }
  const running = searches.get(message.search);
  if (message.kind === 'end') {
    searches.delete(message.search);
    return;
  }
  const { batch, paths } = message;
  // Batches of one search stay in order: each waits for the same (already settled) promise.
  // Every batch is answered: the main thread holds its folders open until then.
  void (running?.ready ?? Promise.resolve(undefined)).then((scanner) => {
    const control = running?.control ?? new Int32Array(2);
    const stopped = () => Atomics.load(control, STOP) !== 0;
    const reply: FromWorker = scanner
      ? { search: message.search, batch, ...scanner.scan(paths, stopped) }
      : { search: message.search, batch, codes: new Uint8Array(0), hits: [], lost: true };
    Atomics.add(control, DONE, 1);
    port.postMessage(reply);
  });
});
