// Multi-line traces joined back into one event: what counts as one error.
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/model/logs.js';
import { isErrorEvent, joinTraces, severityOf, topErrors, TraceJoiner } from '../../src/engine/logAnalysis.js';
import { LogTail } from '../../src/engine/logTail.js';

const T = Date.UTC(2026, 2, 14, 3, 12, 0);
let seq = 0;
const ev = (message: string, at = T, stream = 'api/1'): LogEvent => ({ id: String(++seq), group: '/ecs/api', stream, timestamp: at, message, severity: severityOf(message) });
const joined = (events: LogEvent[]) => joinTraces(events).map((e) => (e.joined ? `  + ${e.message}` : e.message));
const errors = (events: LogEvent[]) => joinTraces(events).filter(isErrorEvent).length;

describe('joinTraces', () => {
  it('a Java exception with its cause is one error, although two of its lines say Exception', () => {
    const lines = [
      ev('2026-03-14 03:12:00,123 ERROR [main] c.s.JobRunner - job 7 failed'),
      ev('java.lang.IllegalStateException: charge 7 refused'),
      ev('\tat com.shop.JobRunner.run(JobRunner.java:42)'),
      ev('Caused by: java.net.SocketTimeoutException: Read timed out', T + 1),
      ev('\t... 12 more', T + 1),
    ];
    expect(lines.filter((l) => l.severity === 'error')).toHaveLength(3);
    expect(errors(lines)).toBe(1);
    expect(joined(lines).filter((l) => !l.startsWith('  + '))).toEqual(['2026-03-14 03:12:00,123 ERROR [main] c.s.JobRunner - job 7 failed']);
  });

  it('a Python traceback after its ERROR line joins it; an uncaught one after an INFO line is its own error', () => {
    const logged = [ev('ERROR:worker:job 7 failed'), ev('Traceback (most recent call last):'), ev('  File "/app/worker.py", line 88, in run'), ev("KeyError: 'sku'", T + 2)];
    expect(errors(logged)).toBe(1);
    const uncaught = [ev('INFO GET /orders 200'), ev('Traceback (most recent call last):', T + 5), ev('  File "/app/main.py", line 3', T + 5), ev('ZeroDivisionError: division by zero', T + 5)];
    expect(joined(uncaught)).toEqual(['INFO GET /orders 200', 'Traceback (most recent call last):', '  +   File "/app/main.py", line 3', '  + ZeroDivisionError: division by zero']);
    expect(errors(uncaught)).toBe(1);
  });

  it('stack frames join whatever event they follow: a warning with a trace is no error', () => {
    const lines = [ev('WARN retrying payments call'), ev('    at PaymentsClient.charge (/app/dist/payments/client.js:57:13)'), ev('Caused by: java.io.IOException: reset')];
    expect(joined(lines)).toEqual(['WARN retrying payments call', '  +     at PaymentsClient.charge (/app/dist/payments/client.js:57:13)', '  + Caused by: java.io.IOException: reset']);
    expect(errors(lines)).toBe(0);
  });

  it('two errors in one second are two; a line with its own level, another stream, or a second later starts a new event', () => {
    expect(errors([ev('ERROR HTTP 502 from inventory', T), ev('ERROR HTTP 502 from inventory', T + 100)])).toBe(2);
    expect(joined([ev('ERROR boom', T), ev('INFO GET /cart 200', T + 10)])).toEqual(['ERROR boom', 'INFO GET /cart 200']);
    expect(joined([ev('ERROR boom', T, 'api/1'), ev('java.lang.IllegalStateException: x', T, 'api/2')])).toEqual(['ERROR boom', 'java.lang.IllegalStateException: x']);
    expect(errors([ev('ERROR boom', T), ev('java.lang.IllegalStateException: x', T + 1_000)])).toBe(2);
    // the second is measured from the trace's newest line, not its first
    const long = [ev('ERROR boom', T), ...Array.from({ length: 5 }, (_, i) => ev(`    at f${i} (x.js:${i}:1)`, T + 600 * (i + 1))), ev('RuntimeException: y', T + 3_400)];
    expect(errors(long)).toBe(1);
  });

  it('keeps following a stream across batches', () => {
    const j = new TraceJoiner();
    expect(j.mark(ev('ERROR TypeError: x', T)).joined).toBeUndefined();
    expect(j.mark(ev('    at f (x.js:1:1)', T)).joined).toBe(true);
  });
});

describe('counting per event', () => {
  it('the tail counts a trace once, in its rate and its lines, and the top errors group it once', () => {
    const trace = (at: number, order: number) => [
      ev(`ERROR TimeoutError: upstream payments timed out after 5000ms (order ${order})`, at),
      ev('    at PaymentsClient.charge (/app/dist/payments/client.js:57:13)', at),
      ev('Caused by: UpstreamTimeoutException: 5000ms', at),
    ];
    const tail = new LogTail({ capacity: 100, minutes: 5, groups: ['/ecs/api'] });
    tail.add({ events: [...trace(T, 1), ev('INFO GET /cart 200', T + 10)], cursor: { since: T + 10, seenAtSince: [] }, mode: 'poll' });
    // a frame of another stream joins nothing (it is no error either); then a second trace
    tail.add({ events: [ev('    at async CheckoutService.pay (/app/dist/checkout/service.js:112:7)', T + 20, 'api/2'), ...trace(T + 30_000, 2)], cursor: { since: T + 30_000, seenAtSince: [] }, mode: 'poll' });
    const s = tail.snapshot(T + 60_000);
    expect(s.errorsPerMinute.reduce((a, b) => a + b, 0)).toBe(2);
    expect(s.linesPerMinute.reduce((a, b) => a + b, 0)).toBe(4);
    expect(topErrors(s.lines)).toMatchObject([{ fingerprint: 'ERROR TimeoutError: upstream payments timed out after <n>ms (order <n>)', count: 2 }]);
  });
});
