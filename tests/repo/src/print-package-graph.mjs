#!/usr/bin/env node
// Prints the package graph for docs/architecture.md, markers included, ready to paste over the
// marked block: `node tests/repo/src/print-package-graph.mjs`. The test that compares them says the same.
import { packageGraphSection } from './check-architecture-graph.mjs';
import { repoRoot } from './workspace.mjs';

console.log(packageGraphSection(repoRoot));
