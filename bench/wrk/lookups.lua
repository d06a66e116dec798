-- One SPARQL lookup per request, POSTed as a form (SPARQL 1.1 Protocol, "query via URL-encoded
-- POST", which every server measured accepts), its body drawn at random from a file of bodies
-- made by bench/wrk_peers.py: `wrk ... -s lookups.lua URL -- BODIES_FILE`.
local bodies = {}
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Accept"] = "application/sparql-results+json",
}

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  -- each wrk thread has its own Lua state: seed each differently
  math.randomseed(os.time() + tonumber(tostring(bodies):match("0x(%x+)") or "0", 16))
end

function request()
  return wrk.format("POST", nil, headers, bodies[math.random(#bodies)])
end
