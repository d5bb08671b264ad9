"""The zygote and the execution environments it forks (run by path, never imported by fogbank).

Started as ``python -I bootstrap.py zygote <fd>``: imports what the Lambda Python runtime
bundles (boto3, botocore and their dependencies), hides everything else that is installed
(site-packages leave ``sys.path``; editable-install finders leave ``sys.meta_path``), then
serves spawn requests on the SOCK_SEQPACKET socket ``fd``. For each request it forks an
execution environment, hands fogbank the environment's control socket and the read end of its
stdout/stderr pipe (``socket.send_fds``) and later reports the environment's exit status.

An environment imports the handler once (init) and then serves invokes on its control socket:
frames of ``!II`` (header length, body length) + JSON header + body bytes in, replies of
``!BBIQd`` (kind, flags, body length, max RSS KiB, init ms) + body bytes out (see
``environment.py`` for the sentinel line that may end an invoke's output).
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import socket
import struct
import sys
import termios
import time
import traceback
from typing import Any

FRAME = struct.Struct("!II")
REPLY = struct.Struct("!BBIQd")  # kind, flags, body length, max RSS KiB, init ms
REPLY_INIT = 1
REPLY_RESULT = 2
FLAG_OK = 1
SENTINEL_SENT = 2
# Top-level packages the AWS Lambda Python runtime makes importable besides the stdlib.
BUNDLED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
SIGNAL_TEXT: dict[int, str] = {
    signal.SIGKILL: "killed", signal.SIGSEGV: "segmentation fault", signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated", signal.SIGBUS: "bus error", signal.SIGILL: "illegal instruction",
    signal.SIGFPE: "floating point exception", signal.SIGINT: "interrupt",
}


# ---------------------------------------------------------------- zygote


def zygote_main(fd: int) -> None:
    sock = socket.socket(fileno=fd)
    site_dirs = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    import ctypes  # noqa: F401  (the rest: modules every environment needs, imported once)
    import decimal  # noqa: F401
    import importlib  # noqa: F401
    import logging  # noqa: F401
    import resource  # noqa: F401
    import tempfile  # noqa: F401

    # boto3 is imported as the runtime has it: without the optional packages it would use if
    # installed (certifi, ...), so it binds the same fallbacks as on Lambda.
    blocker = _UnbundledBlocker(site_dirs)
    sys.meta_path.insert(0, blocker)
    try:
        import boto3  # noqa: F401  (bundled by the runtime; imported once, shared by every fork)
        import botocore.httpsession  # noqa: F401
        import botocore.session  # noqa: F401
    finally:
        sys.meta_path.remove(blocker)
    _hide_installed_packages(site_dirs)
    _forget_unbundled_modules(site_dirs)
    sys.pycache_prefix = os.environ.get("FOGBANK_PYCACHE_PREFIX") or None
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    _ignore_child_stops()
    children: set[int] = set()
    sock.send(json.dumps({"op": "ready", "pid": os.getpid()}).encode())
    while True:
        try:
            ready, _, _ = select.select([sock.fileno(), wake_r], [], [])
        except InterruptedError:
            continue
        try:
            if wake_r in ready:
                os.read(wake_r, 4096)
                _reap(sock, children)
            message = sock.recv(1 << 20) if sock.fileno() in ready else None
        except OSError:  # fogbank went away
            break
        if message is not None:
            if not message:
                break
            try:
                _spawn(json.loads(message), sock, (wake_r, wake_w), children)
            except OSError:
                break
    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid in children:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _hide_installed_packages(site_dirs: list[str]) -> None:
    """Leave only the stdlib and the runtime's bundled packages importable."""
    import importlib.machinery as machinery

    keep = (machinery.BuiltinImporter, machinery.FrozenImporter, machinery.PathFinder)
    sys.meta_path[:] = [f for f in sys.meta_path if f in keep or isinstance(f, keep)]
    import sysconfig

    stdlib = tuple({sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]})
    sys.path[:] = [
        p for p in sys.path[1:]
        if p not in site_dirs and "-packages" not in p
        and (p.startswith(stdlib) or p.endswith(".zip"))
    ]
    sys.path_importer_cache.clear()

    class BundledFinder:
        """Finds boto3 & co. in the real site-packages, as /var/runtime provides them."""

        @staticmethod
        def find_spec(name: str, path: Any = None, target: Any = None) -> Any:
            if path is None and name in BUNDLED:
                return machinery.PathFinder.find_spec(name, site_dirs)
            return None

    sys.meta_path.append(BundledFinder)


def _ignore_child_stops() -> None:
    """Add SA_NOCLDSTOP to the SIGCHLD action: fogbank freezes idle environments (SIGSTOP /
    SIGCONT), which must not wake the zygote twice per invoke. Python's ``signal`` module
    cannot set flags; this uses libc's ``sigaction`` on Linux and is skipped elsewhere (the
    zygote then only wakes more often)."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        # struct sigaction (glibc, musl; x86_64, aarch64): handler, 128-byte mask, int flags,
        # restorer: flags sit right after the handler pointer and the mask.
        flags_offset = ctypes.sizeof(ctypes.c_void_p) + 128
        action = ctypes.create_string_buffer(flags_offset + 4 + 2 * ctypes.sizeof(ctypes.c_void_p))
        if libc.sigaction(signal.SIGCHLD, None, action) != 0:
            return
        flags = ctypes.c_int.from_buffer(action, flags_offset)
        flags.value |= 1  # SA_NOCLDSTOP
        libc.sigaction(signal.SIGCHLD, action, None)
    except (OSError, AttributeError, ValueError):
        pass


class _UnbundledBlocker:
    """While boto3 is imported: installed top-level packages the runtime does not bundle are
    not there."""

    def __init__(self, site_dirs: list[str]) -> None:
        self.site_dirs = site_dirs

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if "." in fullname or fullname in BUNDLED or fullname in sys.builtin_module_names:
            return None
        import importlib.machinery

        if importlib.machinery.PathFinder.find_spec(fullname, self.site_dirs) is not None:
            raise ModuleNotFoundError(f"No module named '{fullname}'", name=fullname)
        return None


def _forget_unbundled_modules(site_dirs: list[str]) -> None:
    """Drop the modules that importing boto3 (or site's .pth files) loaded from site-packages
    but the runtime does not bundle (certifi, _distutils_hack, ...): importing them now fails,
    as on Lambda. Bundled modules keep their own references, so boto3 still works."""
    prefixes = tuple(os.path.join(d, "") for d in site_dirs)

    def installed(module: Any) -> bool:
        try:
            places = [getattr(module, "__file__", None), *(getattr(module, "__path__", None) or ())]
            return any(isinstance(p, str) and p.startswith(prefixes) for p in places)
        except Exception:
            return False

    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] not in BUNDLED and installed(module):
            del sys.modules[name]


def _reap(sock: socket.socket, children: set[int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)
        sock.send(json.dumps({"op": "exit", "pid": pid, "reason": exit_reason(status)}).encode())


def exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return "signal: " + SIGNAL_TEXT.get(sig, f"signal {sig}")
    return f"exit status {os.WEXITSTATUS(status)}"


def _spawn(request: dict[str, Any], sock: socket.socket, wake: tuple[int, int],
           children: set[int]) -> None:
    token = request["token"]
    try:
        parent_ctrl, child_ctrl = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        pid = os.fork()
    except OSError as exc:
        sock.send(json.dumps({"op": "spawn_failed", "token": token, "error": str(exc)}).encode())
        return
    if pid == 0:
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in (sock.fileno(), parent_ctrl.fileno(), out_r, *wake):
                os.close(fd)
            os.setsid()
            _die_with_parent()
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            os.close(out_w)
            code = environment_main(request["spec"], child_ctrl)
        except SystemExit as exc:  # sys.exit() in user code: exit as Python would
            code = _exit_status(exc)
        except BaseException as exc:  # noqa: B036 - anything escaping must still end this fork
            _print_user_traceback(exc)
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    children.add(pid)
    child_ctrl.close()
    os.close(out_w)
    reply = json.dumps({"op": "spawned", "token": token, "pid": pid}).encode()
    socket.send_fds(sock, [reply], [parent_ctrl.fileno(), out_r])
    parent_ctrl.close()
    os.close(out_r)


def _exit_status(exc: SystemExit) -> int:
    """The status the interpreter would exit with for ``exc`` (printing a non-int code)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _print_user_traceback(exc: BaseException) -> None:
    """The traceback of ``exc`` without this file's frames (the runtime's, not the user's)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    lines = ["Traceback (most recent call last):\n"] if frames else []
    lines += traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)
    sys.stderr.write("".join(lines))


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------- execution environment


class LambdaContext:
    """The ``context`` argument, with the attributes of the AWS Python runtime's."""

    def __init__(self, spec: dict[str, Any], header: dict[str, Any]) -> None:
        self.aws_request_id: str = header["request_id"]
        self.function_name: str = spec["function_name"]
        self.function_version: str = spec["function_version"]
        self.invoked_function_arn: str = header["invoked_function_arn"]
        self.memory_limit_in_mb: str = str(spec["memory_mb"])
        self.log_group_name: str = spec["log_group_name"]
        self.log_stream_name: str = spec["log_stream_name"]
        self.identity = CognitoIdentity(header.get("identity") or {})
        self.client_context = _client_context(header.get("client_context"))
        self.tenant_id = None
        self._deadline_ms: int = header["deadline_ms"]

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, msg: str) -> None:
        sys.stdout.write(str(msg))

    def __repr__(self) -> str:
        return (f"LambdaContext([aws_request_id={self.aws_request_id},"
                f"log_group_name={self.log_group_name},log_stream_name={self.log_stream_name},"
                f"function_name={self.function_name},memory_limit_in_mb={self.memory_limit_in_mb},"
                f"function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn}])")


class CognitoIdentity:
    def __init__(self, fields: dict[str, Any]) -> None:
        self.cognito_identity_id = fields.get("cognitoIdentityId")
        self.cognito_identity_pool_id = fields.get("cognitoIdentityPoolId")


class ClientContext:
    def __init__(self, fields: dict[str, Any]) -> None:
        self.client = fields.get("client")
        self.custom = fields.get("custom")
        self.env = fields.get("env")


def _client_context(raw: Any) -> ClientContext | None:
    return ClientContext(raw) if isinstance(raw, dict) else None


class _RequestIdFilter:
    def __init__(self) -> None:
        self.request_id = ""

    def filter(self, record: Any) -> bool:
        record.aws_request_id = self.request_id
        return True


def environment_main(spec: dict[str, Any], ctrl: socket.socket) -> int:
    _prepare_process(spec)
    request_filter = _setup_logging()
    reader = ctrl.makefile("rb")
    started = time.perf_counter()
    handler, init_error = _load_handler(spec["handler"])
    init_ms = (time.perf_counter() - started) * 1000
    if init_error is not None:
        _log_error(init_error)
    _flush()
    sentinel = spec["sentinel"].encode() + b"\n"
    os.write(1, sentinel)
    _reply(ctrl, REPLY_INIT, 0 if init_error else FLAG_OK, 0, init_ms,
           json.dumps(init_error).encode() if init_error else b"")
    if init_error is not None:
        return 0
    import resource

    getrusage, rusage_self = resource.getrusage, resource.RUSAGE_SELF
    while True:
        frame = _recv(reader)
        if frame is None:
            return 0
        header, body = frame
        request_filter.request_id = header["request_id"]
        ok, payload = _invoke(handler, spec, header, body)
        _flush()
        flags = FLAG_OK if ok else 0
        if _output_pending():  # fogbank has not read all of it yet: mark where it ends
            os.write(1, sentinel)
            flags |= SENTINEL_SENT
        _reply(ctrl, REPLY_RESULT, flags, getrusage(rusage_self).ru_maxrss, 0.0, payload)


def _output_pending() -> bool:
    """Whether bytes written to stdout/stderr (one pipe) are still unread by fogbank; when
    that cannot be told (fd 1 is no longer the pipe), say yes so a sentinel is written."""
    try:
        pending: int = struct.unpack("i", fcntl.ioctl(1, termios.FIONREAD, b"\0\0\0\0"))[0]
        return pending != 0
    except OSError:
        return True


def _prepare_process(spec: dict[str, Any]) -> None:
    os.environ.clear()
    os.environ.update(spec["env"])
    time.tzset()
    os.chdir(spec["code_dir"])
    sys.path[:] = list(spec["sys_path"]) + [p for p in sys.path if p not in spec["sys_path"]]
    sys.path_importer_cache.clear()
    sys.argv = [spec.get("argv0", "bootstrap")]
    import tempfile

    tempfile.tempdir = spec["tmp_dir"]
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    sys.stderr.reconfigure(line_buffering=True)  # type: ignore[union-attr]


def _setup_logging() -> _RequestIdFilter:
    import logging

    request_filter = _RequestIdFilter()
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
        "%Y-%m-%dT%H:%M:%S",
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(request_filter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    return request_filter


def _load_handler(name: str) -> tuple[Any, dict[str, Any] | None]:
    try:
        module_path, function_name = name.rsplit(".", 1)
    except ValueError as exc:
        return None, _fault("Runtime.MalformedHandlerName", f"Bad handler '{name}': {exc}")
    module_name = module_path.replace("/", ".")
    try:
        import importlib

        module = importlib.import_module(module_name)
    except ImportError as exc:
        return None, _fault("Runtime.ImportModuleError",
                            f"Unable to import module '{module_name}': {exc}")
    except SyntaxError as exc:
        return None, _fault("Runtime.UserCodeSyntaxError",
                            f"Syntax error in module '{module_name}': {exc}")
    except Exception as exc:
        return None, _error_result(exc, "")
    handler = getattr(module, function_name, None)
    if handler is None:
        return None, _fault("Runtime.HandlerNotFound",
                            f"Handler '{function_name}' missing on module '{module_name}'")
    return handler, None


def _invoke(handler: Any, spec: dict[str, Any], header: dict[str, Any],
            body: bytes) -> tuple[bool, bytes]:
    try:
        event = json.loads(body) if body else {}
        result = handler(event, LambdaContext(spec, header))
    except Exception as exc:
        error = _error_result(exc, header["request_id"])
        _log_error(error)
        return False, json.dumps(error).encode()
    try:
        return True, _RESULT_ENCODER.encode(result).encode()
    except (TypeError, ValueError) as exc:
        error = _fault("Runtime.MarshalError", f"Unable to marshal response: {exc}",
                       header["request_id"])
        _log_error(error)
        return False, json.dumps(error).encode()


def _decimal(value: Any) -> Any:
    import decimal

    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json.dumps(result, default=_decimal), without building an encoder on every invoke
_RESULT_ENCODER = json.JSONEncoder(default=_decimal)


def _error_result(exc: BaseException, request_id: str) -> dict[str, Any]:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


def _fault(error_type: str, message: str, request_id: str = "") -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id,
            "stackTrace": []}


def _log_error(error: dict[str, Any]) -> None:
    lines = [f"[ERROR] {error['errorType']}: {error['errorMessage']}"]
    if error.get("stackTrace"):
        lines.append("Traceback (most recent call last):")
        lines.extend(s.rstrip("\n") for s in error["stackTrace"])
    sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _reply(ctrl: socket.socket, kind: int, flags: int, max_rss_kb: int, init_ms: float,
           body: bytes) -> None:
    ctrl.sendall(REPLY.pack(kind, flags, len(body), max_rss_kb, init_ms) + body)


def _recv(reader: Any) -> tuple[dict[str, Any], bytes] | None:
    prefix = reader.read(FRAME.size)
    if len(prefix) < FRAME.size:
        return None
    head_len, body_len = FRAME.unpack(prefix)
    header = json.loads(reader.read(head_len))
    return header, reader.read(body_len)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "zygote":
        zygote_main(int(sys.argv[2]))
    else:
        sys.exit("usage: bootstrap.py zygote <fd>")
