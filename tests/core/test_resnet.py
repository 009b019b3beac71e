"""Our ResNets against torchvision's: same keys, same parameter counts, same logits."""

import pytest
import torch
import torchvision

from core.resnet import ARCHITECTURES, BasicBlock, Bottleneck, build_resnet, resnet18

PARAM_COUNTS = {
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
}


@pytest.mark.parametrize("arch", list(ARCHITECTURES))
def test_matches_torchvision(arch: str) -> None:
    torch.manual_seed(0)
    reference = getattr(torchvision.models, arch)(weights=None).eval()
    ours = build_resnet(arch).eval()
    ours.load_state_dict(reference.state_dict(), strict=True)

    assert sum(p.numel() for p in ours.parameters()) == PARAM_COUNTS[arch]
    for shape in [(2, 3, 224, 224), (1, 3, 160, 200)]:
        x = torch.randn(shape)
        with torch.inference_mode():
            expected, got = reference(x), ours(x)
        assert got.shape == (shape[0], 1000)
        torch.testing.assert_close(got, expected, rtol=0, atol=1e-4)


def test_block_types_follow_the_paper() -> None:
    assert isinstance(build_resnet("resnet34").layer1[0], BasicBlock)
    block = build_resnet("resnet50").layer2[0]
    assert isinstance(block, Bottleneck)
    assert block.conv3.out_channels == 4 * block.conv1.out_channels  # expansion 4
    assert block.conv2.stride == (2, 2) and block.downsample is not None


def test_forward_returns_logits_not_probabilities() -> None:
    torch.manual_seed(1)
    model = resnet18(num_classes=10).eval()
    with torch.inference_mode():
        logits = model(torch.randn(4, 3, 64, 64))
    assert logits.shape == (4, 10)
    assert not torch.allclose(logits.sum(dim=1), torch.ones(4))  # softmax is the caller's job
    assert (logits < 0).any()


def test_any_input_size_from_32_px_thanks_to_global_pooling() -> None:
    model = resnet18(num_classes=3).eval()
    with torch.inference_mode():
        for h, w in [(32, 32), (97, 61), (300, 200)]:
            assert model(torch.randn(1, 3, h, w)).shape == (1, 3)


def test_training_step_updates_weights() -> None:
    torch.manual_seed(2)
    model = resnet18(num_classes=10).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x, y = torch.randn(4, 3, 64, 64), torch.randint(0, 10, (4,))
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()  # raises if an in-place op clobbered a tensor autograd needs
    optimizer.step()
    assert model.fc.out_features == 10
    assert all(p.grad is not None for p in model.parameters())
    changed = [k for k, v in model.state_dict().items() if not torch.equal(v, before[k])]
    assert "fc.weight" in changed and "conv1.weight" in changed


def test_zero_init_residual_zeroes_last_bn_of_each_block() -> None:
    model = build_resnet("resnet50", zero_init_residual=True)
    assert all(torch.count_nonzero(b.bn3.weight) == 0 for b in model.layer1)
    basic = build_resnet("resnet18", zero_init_residual=True)
    assert torch.count_nonzero(basic.layer1[0].bn2.weight) == 0
    assert torch.count_nonzero(basic.layer1[0].bn1.weight) > 0


def test_unknown_architecture_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="resnet18, resnet34"):
        build_resnet("resnet20")
