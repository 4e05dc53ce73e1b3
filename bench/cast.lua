-- wrk script of the cast benchmark (bench/cast.py): each connection sends the next owner's ballot
-- from the requests file (path \t session key \t body), with the session cookie, the CSRF token and
-- what the TLS-terminating proxy adds. Threads take alternate lines; a thread stops when its
-- owners have all voted. done() prints one JSON line: rate of accepted ballots, statuses, errors.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, port = args[1], args[2]
  lines = {}
  local n = 0
  for line in io.lines(file) do
    n = n + 1
    if (n - 1) % 2 == id then
      table.insert(lines, line)
    end
  end
  next_line = 1
  statuses = {}
  accepted = 0
  origin = "https://127.0.0.1:" .. port
  csrf = "benchcsrftokenbenchcsrftoken0123"
end

function request()
  local line = lines[next_line]
  if line == nil then
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  next_line = next_line + 1
  local path, key, body = line:match("([^\t]*)\t([^\t]*)\t(.*)")
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Cookie"] = "sessionid=" .. key .. "; csrftoken=" .. csrf,
    ["X-CSRFToken"] = csrf,
    ["X-Forwarded-Proto"] = "https",
    ["Origin"] = origin,
    ["Referer"] = origin .. "/",
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    accepted = accepted + 1
  else
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_accepted, merged = 0, {}
  for _, thread in ipairs(threads) do
    total_accepted = total_accepted + thread:get("accepted")
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      merged[code] = (merged[code] or 0) + n
    end
  end
  local parts, errors = {}, 0
  for code, n in pairs(merged) do
    if code ~= 200 then
      errors = errors + n
      table.insert(parts, string.format('"%d": %d', code, n))
    end
  end
  local e = summary.errors
  errors = errors + e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    'BENCH {"rate": %.1f, "accepted": %d, "seconds": %.3f, "errors": %d, "statuses": {%s}, "socket_errors": %d}\n',
    total_accepted / (summary.duration / 1e6), total_accepted, summary.duration / 1e6, errors, table.concat(parts, ", "),
    e.connect + e.read + e.write + e.timeout))
end
