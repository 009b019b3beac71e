"""The architecture as data: a tree of modules with output shapes, parameters and MACs.

Filled the way torchinfo does it: forward hooks record each module's output shape during one
real forward pass, multiply-accumulates are counted for convolutions and linear layers (the
convention behind the published "4.1 GFLOPs" of ResNet-50, which are really GMACs), and totals
are sums over the tree, so a parent never counts its children twice. FLOPs = 2 x MACs.

For a ResNet the root's first-level modules are grouped the way the paper's Table 1 reads:
``stem`` (conv1, bn1, relu, maxpool), ``layer1``..``layer4`` and ``head`` (avgpool, fc).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from torch import Tensor, nn

# Virtual groups over a ResNet's top-level modules: (group name, member names, description).
RESNET_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("stem", ("conv1", "bn1", "relu", "maxpool")),
    ("head", ("avgpool", "fc")),
)
GROUP_TYPE = "Group"


@dataclass
class LayerNode:
    """One module (or a virtual group of modules) in the summary tree.

    ``name`` is the qualified module name as in ``model.named_modules()`` (``"layer1.0.conv1"``),
    ``""`` for the root and the group's own name for a virtual group. ``params`` and ``macs``
    include the children's; ``own_params`` and ``own_macs`` are the module's alone.
    """

    name: str
    type_name: str
    output_shape: tuple[int, ...] | None = None
    calls: int = 0  # forward calls in one pass (a block's shared ReLU runs twice)
    own_params: int = 0
    own_macs: int = 0
    trainable_params: int = 0
    children: list[LayerNode] = field(default_factory=list)
    params: int = 0
    macs: int = 0

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1] if self.name else "(model)"

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def walk(self, depth: int = 0) -> Iterator[tuple[int, LayerNode]]:
        """Depth-first (pre-order) traversal yielding ``(depth, node)``."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

    def leaves(self) -> Iterator[LayerNode]:
        return (node for _, node in self.walk() if node.is_leaf)

    def find(self, name: str) -> LayerNode | None:
        return next((node for _, node in self.walk() if node.name == name), None)


@dataclass
class ModelSummary:
    """The tree plus the input it was measured with."""

    root: LayerNode
    input_shape: tuple[int, ...]

    @property
    def total_params(self) -> int:
        return self.root.params

    @property
    def total_macs(self) -> int:
        return self.root.macs


def _macs(module: nn.Module, output: Tensor) -> int:
    """Multiply-accumulates of one call, for the layers that dominate a CNN's cost."""
    from torch import nn

    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        return output.numel() * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, nn.Linear):
        return output.numel() * module.in_features
    return 0


def _as_input_shape(input_size: int | Sequence[int]) -> tuple[int, int, int, int]:
    if isinstance(input_size, int):
        return (1, 3, input_size, input_size)
    size = tuple(int(s) for s in input_size)
    if len(size) == 2:
        return (1, 3, *size)
    if len(size) == 4:
        return size  # type: ignore[return-value]
    raise ValueError(f"input size must be N, (H, W) or (B, C, H, W), got {input_size!r}")


def summarize(model: nn.Module, input_size: int | Sequence[int] = 224) -> ModelSummary:
    """Run one forward pass with hooks and return the module tree with shapes, params, MACs.

    ``input_size`` is a side (224), ``(H, W)`` or a full ``(B, C, H, W)`` shape; MACs are per
    forward pass of that batch (batch 1 by default, matching the published figures). The model's
    train/eval mode is restored and every hook removed, even when the forward pass fails.
    The only function here that needs torch (imported here): the tree, its totals and the table
    are plain data, which an edition without torch reads from a model's metadata instead.
    """
    import torch

    input_shape = _as_input_shape(input_size)
    shapes: dict[str, tuple[int, ...]] = {}
    macs: dict[str, int] = {}
    calls: dict[str, int] = {}
    names = {module: name for name, module in model.named_modules()}

    def hook(module: nn.Module, _inputs: tuple[Tensor, ...], output: Tensor) -> None:
        name = names[module]
        calls[name] = calls.get(name, 0) + 1
        if isinstance(output, torch.Tensor):
            shapes[name] = tuple(output.shape)  # a module called twice keeps its last shape
            macs[name] = macs.get(name, 0) + _macs(module, output)

    handles = [module.register_forward_hook(hook) for module in names]
    was_training = model.training
    try:
        param = next(model.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
        dtype = param.dtype if param is not None and param.is_floating_point() else torch.float32
        model.eval()
        with torch.no_grad():
            model(torch.zeros(input_shape, device=device, dtype=dtype))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)

    root = _build_node("", model, shapes, macs, calls)
    if _looks_like_resnet(model):
        root.children = _group_children(root.children, RESNET_GROUPS)
    _fill_totals(root)
    return ModelSummary(root=root, input_shape=input_shape)


def _build_node(
    name: str,
    module: nn.Module,
    shapes: dict[str, tuple[int, ...]],
    macs: dict[str, int],
    calls: dict[str, int],
) -> LayerNode:
    own = list(module.parameters(recurse=False))
    node = LayerNode(
        name=name,
        type_name=type(module).__name__,
        output_shape=shapes.get(name),
        calls=calls.get(name, 0),
        own_params=sum(p.numel() for p in own),
        trainable_params=sum(p.numel() for p in own if p.requires_grad),
        own_macs=macs.get(name, 0),
    )
    prefix = f"{name}." if name else ""
    node.children = [
        _build_node(prefix + child_name, child, shapes, macs, calls)
        for child_name, child in module.named_children()
    ]
    return node


def _looks_like_resnet(model: nn.Module) -> bool:
    return all(hasattr(model, attr) for attr in ("conv1", "maxpool", "layer4", "avgpool", "fc"))


def _group_children(
    children: list[LayerNode], groups: tuple[tuple[str, tuple[str, ...]], ...]
) -> list[LayerNode]:
    """Fold named top-level children into virtual group nodes, keeping the order of first use."""
    grouped: list[LayerNode] = []
    by_name = {child.name: child for child in children}
    placed: set[str] = set()
    for child in children:
        if child.name in placed:
            continue
        group = next(((g, members) for g, members in groups if child.name in members), None)
        if group is None:
            grouped.append(child)
            continue
        group_name, members = group
        member_nodes = [by_name[m] for m in members if m in by_name]
        placed.update(node.name for node in member_nodes)
        output = next((n.output_shape for n in reversed(member_nodes) if n.output_shape), None)
        grouped.append(
            LayerNode(name=group_name, type_name=GROUP_TYPE, output_shape=output, children=member_nodes)
        )
    return grouped


def _fill_totals(node: LayerNode) -> None:
    for child in node.children:
        _fill_totals(child)
    node.params = node.own_params + sum(child.params for child in node.children)
    node.macs = node.own_macs + sum(child.macs for child in node.children)
    node.trainable_params += sum(child.trainable_params for child in node.children)


def human_count(value: float, unit: str = "") -> str:
    """``25557032`` → ``"25.56 M"``: the compact form used in tables and the GUI."""
    for factor, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return f"{value / factor:.2f} {suffix}{unit}"
    return f"{value:.0f} {unit}".rstrip()


def format_shape(shape: tuple[int, ...] | None) -> str:
    return "-" if shape is None else "[" + ", ".join(str(s) for s in shape) + "]"


def format_table(summary: ModelSummary, max_depth: int | None = 2) -> str:
    """An aligned text table of the tree down to ``max_depth`` (``None`` for every level)."""
    header = ("Layer", "Type", "Output shape", "Params", "MACs")
    rows = [header]
    for depth, node in summary.root.walk():
        if max_depth is not None and depth > max_depth:
            continue
        label = "  " * depth + (node.short_name if node.name else "(model)")
        rows.append(
            (
                label,
                node.type_name,
                format_shape(node.output_shape),
                f"{node.params:,}",
                human_count(node.macs),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    right = {3, 4}

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "-" * len(line(header))
    root = summary.root
    footer = [
        rule,
        f"Input shape: {format_shape(summary.input_shape)}",
        f"Total params: {root.params:,}  (trainable: {root.trainable_params:,})",
        f"Total MACs: {human_count(root.macs)}  (FLOPs = 2 x MACs = {human_count(root.flops)})",
    ]
    return "\n".join([line(header), rule, *(line(r) for r in rows[1:]), *footer])
