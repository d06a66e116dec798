-- One saved-query lookup per request, GET with its parameter in the query string, the path drawn
-- at random for each request from a file of paths made by bench/wrk_peers.py:
-- `wrk ... -s lookups_get.lua URL -- PATHS_FILE`.
local paths = {}
local headers = { ["Accept"] = "application/sparql-results+json" }

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  -- each wrk thread has its own Lua state: seed each differently
  math.randomseed(os.time() + tonumber(tostring(paths):match("0x(%x+)") or "0", 16))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
