import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace } from './e2e-workspace.js';
import { documentedSchema, schemaErrors } from './wait-schema.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const SKILL = readFileSync(new URL('../../../skills/dispatch/SKILL.md', import.meta.url), 'utf8');
const schema = documentedSchema();
const shellWorker = new URL('./fixtures/workers/shell-worker.sh', import.meta.url).pathname;

/** Every `dispatch <command>` the skill shows in its code blocks, with the flags it shows it with. */
function documentedCommands(): Map<string, Set<string>> {
  const commands = new Map<string, Set<string>>();
  for (const block of SKILL.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) {
      const m = /^dispatch ([a-z]+)(.*)$/.exec(line.trim());
      if (!m) continue;
      const flags = commands.get(m[1]!) ?? new Set<string>();
      for (const flag of m[2]!.replace(/#.*$/, '').matchAll(/(?<=^|\s)--[a-z-]+/g)) flags.add(flag[0]);
      commands.set(m[1]!, flags);
    }
  }
  return commands;
}

interface WaitLine {
  v: number;
  type: 'question' | 'blocked' | 'failed' | 'completed' | 'cancelled';
  id: string;
  seq?: number | null;
  text?: string;
  kind?: string;
  alternatives?: string[];
}

describe('a host agent that follows SKILL.md literally', () => {
  it('is short and says what it is in front matter', () => {
    expect(SKILL.split('\n').length).toBeLessThan(300);
    expect(SKILL).toMatch(/^---\nname: dispatch\ndescription: .{40,}\n---\n/);
    expect(SKILL).not.toMatch(/events\.jsonl|requests\/|attempts\/|ipc\/|worker\.log|daemon\.json|xstate/); // no implementation detail
  });

  it('dispatches three tasks, relays a question, recovers a failure with another model, continues a block, and reports', async () => {
    const w = e2eWorkspace('skill-host');
    writeFileSync(
      join(w.home, 'config.yaml'),
      `default: steady\nbackends:\n  shell: { command: "sh ${shellWorker}" }\n  codex: { command: "\${NO_CODEX:-dispatch-test-no-such-codex} exec" }\nmodels:\n  steady: { backend: shell }\n  gpt-5.3-codex: { backend: codex }\n`,
    );
    const documented = documentedCommands();
    const used: string[] = [];
    // The host's only tool: the documented commands.
    const dispatch = async (args: string[], stdin?: string) => {
      const name = args[0]!;
      expect(documented.has(name), `SKILL.md does not document dispatch ${name}`).toBe(true);
      for (const flag of args.filter((a) => a.startsWith('--')))
        expect(documented.get(name)!.has(flag), `SKILL.md does not show dispatch ${name} ${flag}`).toBe(true);
      used.push(name);
      return execa('node', [bin, ...args], {
        cwd: w.dir,
        env: w.env,
        extendEnv: false,
        reject: false,
        ...(stdin !== undefined && { input: stdin }),
      });
    };
    const userAnswers: Record<string, string> = {
      'Which auth should I focus on?': 'JWT',
      'Which database?': 'Postgres',
    };

    // 2. Dispatch: concrete plans on stdin, a model and an id each, --json.
    const plans: [string, string, string][] = [
      [
        'auth-review',
        'steady',
        '# Review auth\n\n- [ ] Scan the auth module\n- [ ] Which auth should I focus on?\n- [ ] Write the findings\n',
      ],
      ['api-tests', 'gpt-5.3-codex', '# API tests\n\n- [ ] Write the API tests\n- [ ] Run them\n'],
      [
        'db-migration',
        'sim',
        '# Migrate\n\n- [ ] Pick the engine {block: Which database?}\n- [ ] Write the migration\n',
      ],
    ];
    for (const [id, model, plan] of plans) {
      const r = await dispatch(['run', '--plan', '-', '--model', model, '--id', id, '--json'], plan);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(JSON.parse(String(r.stdout))).toMatchObject({ id, model, state: 'queued' });
    }

    // 3-7. Wait on the ids, and act on each line as the skill says, until the list is empty.
    const seen: string[] = [];
    const waiting = plans.map(([id]) => id);
    for (let round = 0; round < 20 && waiting.length > 0; round++) {
      const r = await dispatch(['wait', ...waiting, '--json', '--timeout', '60']);
      expect(r.exitCode, r.stderr).toBe(0);
      const line = JSON.parse(String(r.stdout)) as WaitLine;
      expect(schemaErrors(line as unknown as Record<string, unknown>, schema), r.stdout).toEqual([]);
      seen.push(`${line.type} ${line.id}`);
      if (line.type === 'question')
        expect(
          (await dispatch(['answer', line.id, '--question', String(line.seq), userAnswers[line.text!]!])).exitCode,
        ).toBe(0);
      else if (line.type === 'blocked') {
        const answered = await dispatch(['answer', line.id, userAnswers[line.text!]!]);
        expect(answered.exitCode, String(answered.stderr)).toBe(0);
      } else if (line.type === 'failed') {
        // The CLI is not installed; the user agreed to the first alternative the line offers.
        expect(line.kind).toBe('cli-missing');
        expect(line.alternatives).toContain('steady');
        expect((await dispatch(['retry', line.id, '--model', line.alternatives![0]!])).exitCode).toBe(0);
      } else {
        if (line.type === 'completed') expect((await dispatch(['result', line.id])).exitCode).toBe(0);
        waiting.splice(waiting.indexOf(line.id), 1);
      }
    }
    expect(waiting).toEqual([]);
    expect([...seen].sort()).toEqual([
      'blocked db-migration',
      'completed api-tests',
      'completed auth-review',
      'completed db-migration',
      'failed api-tests',
      'question auth-review',
    ]);

    // The report, from status --json.
    const status = JSON.parse(String((await dispatch(['status', '--json'])).stdout)) as {
      id: string;
      state: string;
      model: string;
      progress: { done: number; total: number };
    }[];
    const report = status
      .map((t) => `${t.id}: ${t.state} (${t.progress.done}/${t.progress.total}) with ${t.model}`)
      .sort();
    expect(report).toEqual([
      'api-tests: completed (2/2) with steady',
      'auth-review: completed (3/3) with steady',
      'db-migration: completed (2/2) with sim',
    ]);
    expect(readFileSync(join(w.dispatchDir, 'tasks/auth-review/plan.md'), 'utf8')).toContain('answer: JWT');
    expect(existsSync(join(w.dispatchDir, 'tasks/db-migration/ipc'))).toBe(true);
    expect(new Set(used)).toEqual(new Set(['run', 'wait', 'answer', 'retry', 'result', 'status']));
  });

  it('skill install writes SKILL.md where Claude Code and Codex find it: home, or the repository with --project', async () => {
    const w = e2eWorkspace('skill-install');
    w.env.HOME = w.home;
    const r = await w.dispatch(['skill', 'install', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(String(r.stdout))).toEqual([
      { agent: 'claude-code', path: join(w.home, '.claude/skills/dispatch/SKILL.md') },
      { agent: 'codex', path: join(w.home, '.agents/skills/dispatch/SKILL.md') },
    ]);
    for (const dir of ['.claude', '.agents'])
      expect(readFileSync(join(w.home, dir, 'skills/dispatch/SKILL.md'), 'utf8')).toBe(SKILL);
    await execa('git', ['init', '-q'], { cwd: w.dir });
    mkdirSync(join(w.dir, 'sub'));
    const project = await execa('node', [bin, 'skill', 'install', '--project'], {
      cwd: join(w.dir, 'sub'),
      env: w.env,
      extendEnv: false,
      reject: false,
    });
    expect(project.stdout).toBe(
      `installed for claude-code: ${join(w.dir, '.claude/skills/dispatch/SKILL.md')}\ninstalled for codex: ${join(w.dir, '.agents/skills/dispatch/SKILL.md')}`,
    );
    expect((await w.dispatch(['skill', 'show'])).stdout).toBe(SKILL.trimEnd());
  });
});
