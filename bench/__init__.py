"""fogbank's bench: speed and memory side by side with the peers a user would otherwise pick.

Flow: ``__main__`` parses options, makes sure the peers' own virtualenv exists (``venv``), and for
each peer (``peers``: one class each, start/deploy/stop) runs ``measure.measure_peer``: start the
server, deploy ``app/template.yaml``, poll the route, time the cold starts, read the process
tree's memory (``procs``), load the route with wrk and time Lambda Invoke (``load``). ``report``
prints the table and writes ``results.json`` and ``RESULTS.md``. ``package`` is the
``aws cloudformation package`` step for peers that need function code in S3.
"""
