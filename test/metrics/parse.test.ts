import { describe, expect, it } from 'vitest';
import { familyOf, parseExposition, parseValue, seriesText } from '../../src/sources/metrics/parse.js';

// The example of the format's specification (prometheus.io, "Exposition formats", text format), as printed there.
const SPEC_EXAMPLE = String.raw`# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.05"} 3272
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.9"} 9001
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
`;

describe('the specification example', () => {
  const parsed = parseExposition(SPEC_EXAMPLE);

  it('parses every sample line and nothing else', () => {
    expect(parsed.errors).toEqual([]);
    expect(parsed.samples).toHaveLength(2 + 1 + 1 + 1 + 8 + 7);
  });

  it('reads labels, values and timestamps, with any blanks between them', () => {
    expect(parsed.samples.slice(0, 2)).toEqual([
      { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestamp: 1395066363000 },
      { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestamp: 1395066363000 },
    ]);
  });

  it('unescapes backslashes, quotes and newlines in label values', () => {
    const s = parsed.samples.find((x) => x.name === 'msdos_file_access_time_seconds')!;
    expect(s.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(s.value).toBe(1.458255915e9);
    // and writes them back the same way for a subject
    expect(seriesText(s.name, s.labels)).toBe(String.raw`msdos_file_access_time_seconds{error="Cannot find file:\n\"FILE.TXT\"",path="C:\\DIR\\FILE.TXT"}`);
  });

  it('takes a line with neither labels nor timestamp, +Inf, and a negative timestamp', () => {
    expect(parsed.samples.find((x) => x.name === 'metric_without_timestamp_and_labels')).toEqual({ name: 'metric_without_timestamp_and_labels', labels: {}, value: 12.47 });
    expect(parsed.samples.find((x) => x.name === 'something_weird')).toEqual({ name: 'something_weird', labels: { problem: 'division by zero' }, value: Infinity, timestamp: -3982045 });
  });

  it('keeps HELP and TYPE per family and ties _bucket, _sum and _count to a histogram, _sum and _count to a summary', () => {
    expect(parsed.families.get('http_requests_total')).toEqual({ name: 'http_requests_total', type: 'counter', help: 'The total number of HTTP requests.' });
    expect(familyOf('http_request_duration_seconds_bucket', parsed.families)?.type).toBe('histogram');
    expect(familyOf('http_request_duration_seconds_count', parsed.families)?.name).toBe('http_request_duration_seconds');
    expect(familyOf('rpc_duration_seconds_sum', parsed.families)?.type).toBe('summary');
    // a summary has no buckets
    expect(familyOf('rpc_duration_seconds_bucket', parsed.families)).toBeUndefined();
    expect(parsed.samples.find((x) => x.name === 'http_request_duration_seconds_bucket' && x.labels.le === '+Inf')?.value).toBe(144320);
    expect(parsed.samples.find((x) => x.name === 'rpc_duration_seconds_sum')?.value).toBe(17560473);
  });

  it('reads a comment that is neither HELP nor TYPE as a comment', () => {
    expect(parsed.families.has('Escaping')).toBe(false);
  });
});

describe('the rest of the format', () => {
  it('reads NaN, +Inf and -Inf in any case, and refuses what is no number', () => {
    expect(parseValue('NaN')).toBeNaN();
    expect(parseValue('+Inf')).toBe(Infinity);
    expect(parseValue('-Inf')).toBe(-Infinity);
    expect(parseValue('-inf')).toBe(-Infinity);
    expect(parseValue('1e-3')).toBe(0.001);
    expect(() => parseValue('12abc')).toThrow(/not a number/);
  });

  it('unescapes \\\\ and \\n in HELP, but not \\" (docstrings are not quoted)', () => {
    const { families } = parseExposition('# HELP x first line\\nsecond \\\\ and \\"\n# TYPE x gauge\nx 1\n');
    expect(families.get('x')?.help).toBe('first line\nsecond \\ and \\"');
  });

  it('accepts a trailing comma in the labels, blanks around them and CRLF line ends', () => {
    const { samples, errors } = parseExposition('a{ x = "1" , y="2", } 3\r\nb 4\r\n');
    expect(errors).toEqual([]);
    expect(samples).toEqual([
      { name: 'a', labels: { x: '1', y: '2' }, value: 3 },
      { name: 'b', labels: {}, value: 4 },
    ]);
  });

  it('reports a bad line by number and keeps the others', () => {
    const { samples, errors } = parseExposition(['ok 1', 'broken{x="1} 2', 'nolabel{x=1} 2', 'novalue', 'dup{a="1",a="2"} 1', 'toolong 1 2 3', 'frac 1 1.5', '# TYPE t sometype', 'also_ok 2'].join('\n'));
    expect(samples.map((s) => s.name)).toEqual(['ok', 'also_ok']);
    expect(errors).toEqual([
      'line 2: the value of label x is not closed',
      'line 3: expected " to open the value of label x',
      'line 4: novalue has no value',
      'line 5: label a appears twice',
      'line 6: toolong has more than a value and a timestamp',
      'line 7: frac\'s timestamp "1.5" is not whole milliseconds',
      'line 8: "sometype" is not a metric type',
    ]);
  });

  it('reads a } or , inside a quoted label value as text', () => {
    const { samples } = parseExposition('q{path="/a,b}c",x="\\\\"} 1\n');
    expect(samples[0]!.labels).toEqual({ path: '/a,b}c', x: '\\' });
  });
});
