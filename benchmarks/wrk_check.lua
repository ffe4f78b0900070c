-- wrk script for bench_pages.py: every response must be 200 and contain the page's marker
-- (passed after "--"); prints one machine-readable line with the counts and latencies.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  marker = args[1]
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 or (marker ~= nil and marker ~= "" and not string.find(body, marker, 1, true)) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("bad")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bad=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, failed, errors,
    latency:percentile(50), latency:percentile(99)))
end
