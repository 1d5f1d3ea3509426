"""scikit-learn's ndcg_score on the matrices written by bench/metrics.bench.ts; prints one JSON line."""
import json, sys, time
import numpy as np
import sklearn
from sklearn.metrics import ndcg_score

d, n, w, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
y_true = np.fromfile(f"{d}/y_true.f64", dtype=np.float64).reshape(n, w)
y_score = np.fromfile(f"{d}/y_score.f64", dtype=np.float64).reshape(n, w)
ndcg_score(y_true[:100], y_score[:100], k=k)  # warm-up
c = time.process_time(); t = time.perf_counter(); v = ndcg_score(y_true, y_score, k=k); s = time.perf_counter() - t; cs = time.process_time() - c
c = time.process_time(); t = time.perf_counter(); v2 = ndcg_score(y_true, y_score, k=k, ignore_ties=True); s2 = time.perf_counter() - t; cs2 = time.process_time() - c
assert abs(v - v2) < 1e-12
print(json.dumps({"ndcg": float(v), "seconds": s, "seconds_ignore_ties": s2, "cpu_seconds": cs, "cpu_seconds_ignore_ties": cs2, "sklearn": sklearn.__version__}))
