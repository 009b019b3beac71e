"""Which compute devices this machine has, which one to use, and how to fall back to the CPU."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torch

from core.errors import UsageError
from core.messages import QT_TRANSLATE_NOOP, Message, kind, translate

log = logging.getLogger(__name__)

AUTO = "auto"
CPU_NAME = kind("device.cpu", translate("Messages", "CPU (%n thread(s))", None, 0))
MPS_NAME = "Apple Metal (MPS)"
WITH_MEMORY = kind("device.memory", QT_TRANSLATE_NOOP("Messages", "%1 (%2 GiB)"))


class DeviceError(UsageError, RuntimeError):
    """A device was asked for that this machine does not have (the message says which exist)."""


@dataclass(frozen=True)
class DeviceInfo:
    """A device as the user sees it: ``key`` is what ``--device`` and the GUI's menu take."""

    key: str
    kind: str
    name: Message | str  # a GPU's own name, or "CPU (2 threads)" as a message
    memory_bytes: int | None = None

    @property
    def description(self) -> Message | str:
        if self.memory_bytes:
            return WITH_MEMORY(self.name, f"{self.memory_bytes / 2**30:.1f}")
        return self.name


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def available_devices() -> list[DeviceInfo]:
    """Every usable device, best first: each CUDA GPU, then Apple MPS, then the CPU."""
    devices = []
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            devices.append(DeviceInfo(f"cuda:{index}", "cuda", props.name, props.total_memory))
    if _mps_available():
        devices.append(DeviceInfo("mps", "mps", MPS_NAME))
    devices.append(DeviceInfo("cpu", "cpu", CPU_NAME(n=torch.get_num_threads())))
    return devices


def best_device() -> torch.device:
    return torch.device(available_devices()[0].key)


def resolve_device(choice: str | torch.device | None = AUTO) -> torch.device:
    """Turn ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or ``"mps"`` into an available device.

    Raises :class:`DeviceError` for a device this machine lacks, naming the ones it has, rather
    than letting the failure surface later inside a forward pass.
    """
    if choice is None or str(choice) == AUTO:
        return best_device()
    device = _parse_device(choice)
    keys = [info.key for info in available_devices()]
    wanted = f"cuda:{device.index or 0}" if device.type == "cuda" else device.type
    if wanted not in keys:
        raise DeviceError(f"device {str(choice)!r} is not available here; available: {', '.join(keys)}")
    return torch.device(wanted)


def _parse_device(choice: str | torch.device) -> torch.device:
    """``torch.device(choice)``, with a one-line :class:`DeviceError` for anything it rejects."""
    if isinstance(choice, torch.device):
        device = choice
    else:
        try:
            device = torch.device(str(choice).strip().lower())
        except (RuntimeError, ValueError, TypeError):
            raise DeviceError(
                f"unknown device {str(choice)!r}; use auto, cpu, cuda, cuda:N (N = 0, 1, …) or mps"
            ) from None
    if device.type not in ("cpu", "cuda", "mps"):
        raise DeviceError(
            f"ResLens does not run on {device.type!r} devices; use auto, cpu, cuda, cuda:N or mps"
        )
    if device.index is not None and device.index < 0:
        raise DeviceError(f"device {str(choice)!r}: the index must be 0 or more")
    return device


def is_device_failure(error: BaseException) -> bool:
    """Errors that mean "this accelerator cannot run this", after which the CPU is worth a try."""
    if isinstance(error, torch.cuda.OutOfMemoryError):
        return True
    text = str(error).lower()
    markers = ("out of memory", "cuda error", "cudnn", "mps backend", "not implemented for 'mps'")
    return isinstance(error, RuntimeError) and any(marker in text for marker in markers)
