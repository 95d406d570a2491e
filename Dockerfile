# Secure Base: a small image that runs `securebase run` as a non-root user.
# Build: docker build -t securebase .   Run: see docker-compose.yml and the README.

# --- build: a wheel of the project (the bundled content/ is packed inside it) -------------
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN python -m venv /opt/securebase \
 && /opt/securebase/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/securebase/bin/pip install --no-cache-dir .

# --- runtime: the virtualenv only, no compilers, no sources ------------------------------
FROM python:3.11-slim
RUN groupadd --system securebase \
 && useradd --system --gid securebase --home-dir /data --shell /usr/sbin/nologin securebase \
 && mkdir -p /data \
 && chown securebase:securebase /data
COPY --from=build /opt/securebase /opt/securebase
ENV PATH="/opt/securebase/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    SECUREBASE_DB=/data/securebase.db \
    SECUREBASE_HTTP_HOST=0.0.0.0 \
    SECUREBASE_HTTP_PORT=8080 \
    SECUREBASE_LOG_FORMAT=json
USER securebase
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"]
STOPSIGNAL SIGTERM
CMD ["securebase", "run"]
