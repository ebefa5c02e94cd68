-- wrk script: POST the answers of load/research-answers.json to /api/v1/evaluate.
local f = assert(io.open(os.getenv("ANSWERS") or "research-answers.json", "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
