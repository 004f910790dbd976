# One image for every role: web (default), worker and beat; see README "Production".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    STATIC_ROOT=/app/static-collected \
    MEDIA_ROOT=/data/media

# WeasyPrint renders with Pango and HarfBuzz; DejaVu gives the PDFs their Cyrillic glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install . \
    && SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /data/media /app/var \
    && chown -R app:app /data /app/var

USER app
EXPOSE 8000
VOLUME ["/data"]

CMD ["gunicorn", "fulfilment.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
