"""The endpoint's container image and the packages it holds, in one place.

The model runs in the Hugging Face PyTorch inference Deep Learning Container named here. Its
Dockerfile (aws/deep-learning-containers, :data:`DOCKERFILE` at commit :data:`DOCKERFILE_COMMIT`)
pins the packages in :data:`PINS`; the artifact's code is tested against exactly those
(tests/infra/test_container_parity.py builds a clean Python :data:`PYTHON` environment from
them, adds only the artifact, and serves a recording through the inference toolkit). Bumping the
image means bumping the pins here; that test then proves the new pair.

The artifact brings its own speech engine and every package its code imports
(``infra.model_artifact``); from the image it uses the inference toolkit (which has loaded numpy,
huggingface_hub and tqdm before the model's code runs) and, on a GPU, the CUDA libraries
(:data:`CUDA_LIBRARIES`, docs/model.md).
"""

from __future__ import annotations

from typing import Final

REPOSITORY: Final = "huggingface-pytorch-inference"
#: Image tags by processor: ``<pytorch>-transformers<version>-<processor>-<py>-<platform>``.
TAGS: Final = {
    "gpu": "2.6.0-transformers4.51.3-gpu-py312-cu124-ubuntu22.04",
    "cpu": "2.6.0-transformers4.51.3-cpu-py312-ubuntu22.04",
}
DOCKERFILE: Final = "huggingface/pytorch/inference/docker/2.6/py3/cu124/Dockerfile.gpu"
DOCKERFILE_COMMIT: Final = "38c1245333532ae6ce12deea0cd7e356531e3265"
#: The image's CPython (``PYTHON_VERSION=3.12.8``, from conda-forge), and the wheel platform tags
#: that install on its Ubuntu 22.04 (glibc 2.35, x86_64).
PYTHON: Final = "3.12"
PLATFORMS: Final = ("manylinux_2_28_x86_64", "manylinux2014_x86_64")
#: What the Dockerfile pins (its ``ARG``s and ``==`` requirements) for the Python that serves the
#: model. numpy is not pinned there: its last install step (transformers[audio] and the toolkit)
#: brings pyctcdecode, which requires numpy<2, so the image ends with the newest numpy 1.
PINS: Final = (
    "torch==2.6.0",
    "transformers[sentencepiece,audio]==4.51.3",
    "huggingface_hub==0.30.0",
    "sagemaker-huggingface-inference-toolkit==2.6.0",
    "multi-model-server==1.1.11",
    "sagemaker-inference==1.10.1",
    "numpy==1.26.4",
)
#: The CUDA libraries of the GPU image (apt ``cuda-libraries-12-4``, ``libcudnn9-cuda-12=9.1.0.70``)
#: and the NVIDIA driver's library, which the container runtime mounts from the host.
CUDA_VERSION: Final = "12.4"
CUDNN_VERSION: Final = "9.1.0.70"
#: The shared libraries CTranslate2 opens at run time on a GPU (it links none at build time):
#: cuBLAS from the image's CUDA 12.4 libraries, the driver's ``libcuda``, and NCCL (the image
#: builds NCCL 2.23.4 into /usr/local/lib; only tensor parallelism loads it).
CUDA_LIBRARIES: Final = ("libcublas.so.12", "libcuda.so.1", "libnccl.so.2")


def tag(processor: str) -> str:
    try:
        return TAGS[processor]
    except KeyError:
        raise ValueError(f"processor must be one of {', '.join(TAGS)}, not {processor!r}") from None
