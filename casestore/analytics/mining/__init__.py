"""Hot-issue mining (热点问题挖掘): text representation, places, clustering, naming, heat.

Pure functions and small classes over plain data; the database side lives in
``casestore.analytics.hot_issues``. Heavy libraries (jieba, scikit-learn,
SciPy) are imported inside the functions that use them, never at import time.
"""
