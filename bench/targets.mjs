// The targets of issue 12, each next to what this run measured (or why it was
// not measured): a person reads met / missed by how much beside the load.

function target(name, limit, measured, unit, note) {
  if (measured === undefined || measured === null) return { target: name, limit: `${limit} ${unit}`, measured: null, met: null, note: note ?? 'not measured in this run' };
  const met = measured <= limit;
  return {
    target: name,
    limit: `${limit} ${unit}`,
    measured: `${measured} ${unit}`,
    met,
    ...(met ? {} : { missedBy: `${Math.round((measured - limit) * 10) / 10} ${unit} (${Math.round((measured / limit) * 10) / 10}x)` }),
    ...(note ? { note } : {}),
  };
}

export function targets(result) {
  const f = result.frames;
  const out = [];
  const idle = f?.['120x40']?.idle;
  out.push(target('idle CPU, calm demo 120x40, no key', 3, idle?.idleCpuPercentOfCore, '% of a core'));
  out.push(target('idle frames/s, calm demo 120x40', 1, idle?.framesPerSec, 'frames/s'));
  for (const [size, limit] of [['120x40', 8], ['200x60', 15]]) {
    out.push(target(`CPU per frame (median) at ${size}`, limit, f?.[size]?.profile?.cpuMsPerRender?.median, 'ms'));
  }
  for (const rate of [0, 1000, 5000]) {
    const r = result.logs?.byRate?.find((x) => x.offeredLinesPerSec === rate);
    out.push(target(`key-to-screen p99 at 120x40, ${rate} log lines/s`, 50, r?.keyLatencyMs?.p99, 'ms'));
  }
  out.push(target('bytes to the terminal, idle calm demo 200x60', 2048, f?.['200x60']?.idle?.bytesPerSec, 'B/s'));
  const s = result.startup;
  out.push(target('first full frame over a bare node start', 3, s?.firstFrameOverBareNode, 'x'));
  out.push(
    target('RSS after a calm soak (target: 10 minutes)', 120, s?.rssAfterSoakMB ?? undefined, 'MB', s?.soakSeconds ? `soaked ${s.soakSeconds} s (--soak-ms)` : undefined),
  );
  const fleet = result.fleet250;
  out.push(
    fleet?.services === 250 || !fleet?.services
      ? target('RSS with 250 moto services, all panels', 160, fleet?.rssMaxMB, 'MB', fleet?.seconds ? `the highest 10 s sample over ${fleet.seconds} s (--fleet-ms)` : undefined)
      : target('RSS with 250 moto services, all panels', 160, undefined, 'MB', `measured with --fleet-services ${fleet.services}, not 250`),
  );
  return out;
}
