import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { DASHBOARDS_MOUNT } from '../../src/grafana/files.js';
import { repoRoot } from '../helpers.js';

// The Compose Specification schema check is in test/stack/compose-schema.test.ts (it fetches the schema).

interface Service {
  image: string;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: unknown;
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

/** `source:target[:mode]` short syntax. */
function mounts(s: Service): { source: string; target: string; readOnly: boolean }[] {
  return (s.volumes ?? []).map((v) => {
    const [source = '', target = '', mode] = v.split(':');
    return { source, target, readOnly: mode === 'ro' };
  });
}

test('every bind-mounted host path exists in the repository, mounted read-only', () => {
  let binds = 0;
  for (const [name, s] of Object.entries(compose.services)) {
    for (const m of mounts(s)) {
      const isBind = m.source.startsWith('.') || isAbsolute(m.source);
      if (!isBind) {
        assert.ok(m.source in compose.volumes, `${name}: volume ${m.source} is not declared`);
        continue;
      }
      binds++;
      assert.ok(!isAbsolute(m.source), `${name}: ${m.source} should be relative to the repository`);
      assert.ok(existsSync(join(repoRoot, m.source)), `${name}: ${m.source} does not exist`);
      assert.ok(m.readOnly, `${name}: ${m.source} should be mounted :ro`);
    }
  }
  assert.ok(binds >= 6, `only ${binds} bind mounts`);
});

test('images are pinned to the versions DESIGN.md names', () => {
  const images = Object.fromEntries(Object.entries(compose.services).map(([n, s]) => [n, s.image]));
  assert.match(images['otel-collector'] ?? '', /^otel\/opentelemetry-collector-contrib:0\.159\.0$/);
  assert.match(images.tempo ?? '', /^grafana\/tempo:3\.0\.\d+$/);
  assert.match(images.prometheus ?? '', /^prom\/prometheus:v3\.\d+\.\d+$/);
  assert.match(images.grafana ?? '', /^grafana\/grafana:13\.\d+\.\d+$/);
  // Jaeger v2.12 is the Go module's v1.75.0, the version scripts/build-jaeger builds
  assert.equal(images.jaeger, 'jaegertracing/jaeger:2.12.0');
});

test('ports are published on loopback only', () => {
  const published = Object.values(compose.services).flatMap((s) => s.ports ?? []);
  assert.deepEqual(
    published.map((p) => p.split(':').slice(1).join(':')).sort(),
    ['3000:3000', '3200:3200', '4317:4317', '4318:4318', '9090:9090', '16686:16686'].sort(),
  );
  for (const p of published) assert.ok(p.startsWith('127.0.0.1:'), p);
});

test('Grafana: a required admin password, no anonymous access, provisioning and dashboards mounted', () => {
  const g = compose.services.grafana!;
  const env = g.environment ?? {};
  assert.match(env.GF_SECURITY_ADMIN_PASSWORD ?? '', /^\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}$/);
  assert.equal(env.GF_AUTH_ANONYMOUS_ENABLED, 'false');
  // the datasources file reads these
  assert.equal(env.PROMETHEUS_URL, 'http://prometheus:9090');
  assert.equal(env.TEMPO_URL, 'http://tempo:3200');
  assert.equal(env.JAEGER_URL, 'http://jaeger:16686');
  const targets = Object.fromEntries(mounts(g).map((m) => [m.source, m.target]));
  assert.equal(targets['./grafana/provisioning'], '/etc/grafana/provisioning');
  assert.equal(targets['./grafana/dashboards'], DASHBOARDS_MOUNT);
});

test('Prometheus receives remote writes; Tempo expands its config from the environment', () => {
  const prom = compose.services.prometheus as Service & { command: string[] };
  assert.ok(prom.command.includes('--web.enable-remote-write-receiver'));
  assert.ok(prom.command.includes('--config.file=/etc/prometheus/prometheus.yml'));
  const tempo = compose.services.tempo as Service & { command: string[] };
  assert.ok(tempo.command.includes('-config.expand-env=true'));
  for (const name of ['tempo', 'prometheus', 'grafana']) assert.ok(compose.services[name]!.healthcheck, name);
});

test('Jaeger runs under the jaeger profile with jaeger/config.yaml; the collector sends it traces', () => {
  const jaeger = compose.services.jaeger as Service & { profiles: string[]; command: string[] };
  assert.deepEqual(jaeger.profiles, ['jaeger']);
  assert.ok(jaeger.command.includes('--config=/etc/jaeger/config.yaml'));
  assert.ok(
    mounts(jaeger).some((m) => m.source === './jaeger/config.yaml' && m.target === '/etc/jaeger/config.yaml'),
  );
  const collector = compose.services['otel-collector']!;
  assert.equal(collector.environment?.JAEGER_OTLP_ENDPOINT, 'jaeger:4317');
  // a profile's service cannot be a dependency of one that runs without it
  assert.ok(!JSON.stringify(compose.services).includes('"jaeger":{"condition"'));
});
