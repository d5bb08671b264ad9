"""Local execution of Python functions.

``zygote.py`` starts ``bootstrap.py`` as a clean interpreter (``-I``) that pre-imports
boto3, hides every other installed package, and forks an execution environment per request,
passing back its control socket and output pipe with ``SCM_RIGHTS``. ``environment.py``
speaks to one environment (framed invokes on the control socket, output lines cut per invoke
at a sentinel). ``manager.py`` keeps a warm pool per function, enforces concurrency, timeout
and memory, freezes idle environments (SIGSTOP/SIGCONT), replaces ones that died while
idle, retires environments on code changes and idleness, and emits the START/END/REPORT lines
(``reports.py``). ``interpreter.py`` writes the ``python`` shims first on a function's PATH.
``spec.py`` holds the plain data crossing in and out.
"""
