-- Async submits (Prefer: respond-async) of the demo-hello workflow against bench/wrk/async-submit.yaml;
-- every answer should be a 202 (wrk reports any other status as "Non-2xx or 3xx responses").
-- wrk -t2 -c32 -d20s --latency -s bench/wrk/async-submit.lua http://127.0.0.1:18080/v1/workflows/demo-hello/runs
wrk.method = "POST"
wrk.body = '{"input":{"name":"Ada"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer demo-api-key"
wrk.headers["Prefer"] = "respond-async"
