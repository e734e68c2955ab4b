-- wrk script of bench.loadgen: send the requests listed in the file named by BENCH_REQUESTS,
-- in turn (each thread from its own place), and print one JSON line of figures at the end.
-- File format, one request per line, tab-separated: METHOD, PATH, BODY (may be empty), then
-- any number of "Name: value" headers.

local requests_file = os.getenv("BENCH_REQUESTS")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  prepared = {}
  for line in io.lines(requests_file) do
    local fields = split(line)
    local headers = {}
    for i = 4, #fields do
      local name, value = fields[i]:match("^([^:]+):%s*(.*)$")
      if name then headers[name] = value end
    end
    local body = nil
    if fields[3] ~= "" then body = fields[3] end
    table.insert(prepared, wrk.format(fields[1], fields[2], headers, body))
  end
  position = ((thread_number or 1) - 1) * math.floor(#prepared / 2 + 1) % #prepared
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.mean, latency.max))
end
