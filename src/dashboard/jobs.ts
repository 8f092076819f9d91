/**
 * The job browser's data: the failed jobs of one queue and the detail of one
 * of them, read from the QueueControl in the background and kept as an
 * observable the jobs screen draws. The view state says what is wanted (the
 * queue, the job open); App hands that to `want` after the key press's
 * dispatch, so no read ever runs inside an input handler or a render, and a
 * read that is no longer wanted is aborted and its answer dropped.
 */
import { Observable } from '../engine/observable.js';
import type { QueueControl } from '../sources/redis/control.js';
import { jobDetail, jobList } from '../actions/queues/jobText.js';
import { errorMessage } from '../text/sanitize.js';
import type { JobsView, JobsWanted, TuiJobsHandle } from './ports.js';

/** rows the browser lists: the newest failures */
export const JOBS_SHOWN = 200;
const READ_TIMEOUT_MS = 15_000;

const EMPTY: JobsView = { loading: false };

export class TuiJobs implements TuiJobsHandle {
  private readonly view = new Observable<JobsView>(EMPTY);
  private wanted: JobsWanted | null = null;
  private listRead: AbortController | undefined;
  private detailRead: AbortController | undefined;

  constructor(private readonly control: QueueControl) {}

  getState = this.view.get;
  subscribe = this.view.subscribe;

  want(w: JobsWanted | null): void {
    const before = this.wanted;
    this.wanted = w;
    if (!w) {
      this.listRead?.abort();
      this.detailRead?.abort();
      this.view.set(EMPTY);
      return;
    }
    const sameQueue = before?.redis === w.redis && before.queue === w.queue;
    if (!sameQueue) {
      this.detailRead?.abort();
      this.view.set({ redis: w.redis, queue: w.queue, loading: true });
      this.readList();
    }
    if (!sameQueue || before?.id !== w.id) this.readDetail();
  }

  /** After an action on the queue, or `r`: the list (and the job open) again. */
  reload(): void {
    if (!this.wanted) return;
    this.view.set({ ...this.view.get(), loading: true });
    this.readList();
    this.readDetail();
  }

  private readList(): void {
    const w = this.wanted!;
    this.listRead?.abort();
    const ac = (this.listRead = new AbortController());
    const signal = AbortSignal.any([ac.signal, AbortSignal.timeout(READ_TIMEOUT_MS)]);
    const flavor = this.control.flavorOf(w.redis, w.queue) ?? '?';
    void this.control.jobs(w.redis, w.queue, JOBS_SHOWN, signal).then(
      (raw) => this.still(ac, w) && this.view.set({ ...this.view.get(), loading: false, list: jobList(w.redis, w.queue, flavor, raw), listError: undefined }),
      (err: unknown) => this.still(ac, w) && this.view.set({ ...this.view.get(), loading: false, listError: `could not read the failed jobs of ${w.queue}: ${errorMessage(err)}` }),
    );
  }

  private readDetail(): void {
    const w = this.wanted!;
    this.detailRead?.abort();
    const id = w.id;
    if (id === undefined || id === null) {
      const { detail: _gone, ...rest } = this.view.get();
      this.view.set(rest);
      return;
    }
    const ac = (this.detailRead = new AbortController());
    const signal = AbortSignal.any([ac.signal, AbortSignal.timeout(READ_TIMEOUT_MS)]);
    this.view.set({ ...this.view.get(), detail: { id, loading: true } });
    void this.control.job(w.redis, w.queue, id, signal).then(
      (raw) => this.still(ac, w) && this.view.set({ ...this.view.get(), detail: raw ? { id, loading: false, job: jobDetail(raw) } : { id, loading: false, error: `job ${id} is not in the failed set any more (requeued, deleted or expired)` } }),
      (err: unknown) => this.still(ac, w) && this.view.set({ ...this.view.get(), detail: { id, loading: false, error: `could not read job ${id}: ${errorMessage(err)}` } }),
    );
  }

  /** The answer is still wanted: not aborted, and the same queue is shown. */
  private still(ac: AbortController, w: JobsWanted): boolean {
    return !ac.signal.aborted && this.wanted?.redis === w.redis && this.wanted.queue === w.queue;
  }
}
