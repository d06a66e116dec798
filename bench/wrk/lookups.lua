-- One lookup per request, drawn at random for each request from a file made by bench/wrk_load.py:
-- `wrk ... -s lookups.lua URL -- FILE post` (each line a URL-encoded form body: a SPARQL query
-- POSTed as the SPARQL 1.1 Protocol's "query via URL-encoded POST", which every server measured
-- accepts) or `-- FILE get` (each line a path: a saved query's API call).
local lines = {}
local method = "POST"
local headers = { ["Accept"] = "application/sparql-results+json" }

function init(args)
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  if args[2] == "get" then
    method = "GET"
  else
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  -- each wrk thread has its own Lua state: seed each differently
  math.randomseed(os.time() + tonumber(tostring(lines):match("0x(%x+)") or "0", 16))
end

function request()
  local line = lines[math.random(#lines)]
  if method == "GET" then
    return wrk.format("GET", line, headers)
  end
  return wrk.format("POST", nil, headers, line)
end
