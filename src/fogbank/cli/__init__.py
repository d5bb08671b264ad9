"""The ``fogbank`` command: ``up``, ``invoke``, ``validate``, ``logs``, ``reset``.

``main`` parses arguments and dispatches through a table of subcommands; each subcommand
module turns user mistakes into one sentence on stderr and a non-zero exit, never a
traceback. Everything is reached through public methods of ``fogbank.app`` and the AWS API.
"""
