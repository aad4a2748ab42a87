// Jenkins shared-library step:
//   serverlessGate(path: '.', policy: '', env: '', advisoryDb: '', diffBase: ..., policyRef: ...)
//
// On a pull-request build of a multibranch pipeline (CHANGE_TARGET is set), diffBase and
// policyRef default to the target branch, origin/<target>: only what the pull request
// changes blocks, under the policy of the branch it merges into. Pass '' to turn either
// off. Diff mode needs the target branch and the history in the workspace's clone.
//
// Runs `gate check`, publishes the JUnit report, the SARIF report (warnings-ng) and
// the HTML report, and maps the gate's exit code onto the build:
//   0 pass -> build continues; 1 blocking findings -> build fails;
//   2 the gate could not decide -> build fails with the reason from the gate's log.
// Parameters are handed to the shell through environment variables, never spliced
// into the command line.
def call(Map args = [:]) {
    String path = args.get('path', '.')
    String policy = args.get('policy', '')
    String gateEnv = args.get('env', '')
    String advisoryDb = args.get('advisoryDb', '')
    String version = args.get('version', '')
    String out = args.get('reportDir', 'serverless-gate')
    String target = env.CHANGE_TARGET ? "origin/${env.CHANGE_TARGET}" : ''
    String diffBase = args.get('diffBase', target)
    String policyRef = args.get('policyRef', target)

    int code = 0
    withEnv([
        "GATE_PATHS=${path}",
        "GATE_POLICY=${policy}",
        "GATE_ENV_NAME=${gateEnv}",
        "GATE_ADVISORY_DB=${advisoryDb}",
        "GATE_VERSION=${version}",
        "GATE_OUT=${out}",
        "GATE_DIFF_BASE=${diffBase}",
        "GATE_POLICY_REF=${policyRef}",
    ]) {
        sh(label: 'Install serverless-gate', script: '''
            python3 -m venv .gate-venv
            .gate-venv/bin/python -m pip install --quiet "serverless-gate${GATE_VERSION}"
        ''')
        code = sh(label: 'serverless-gate', returnStatus: true, script: '''
            set -u
            mkdir -p "$GATE_OUT"
            set -- check $GATE_PATHS \
                --report "junit=$GATE_OUT/junit.xml" --report "sarif=$GATE_OUT/gate.sarif" \
                --report "html=$GATE_OUT/index.html" --report "json=$GATE_OUT/report.json"
            if [ -n "$GATE_POLICY" ]; then set -- "$@" --policy "$GATE_POLICY"; fi
            if [ -n "$GATE_ENV_NAME" ]; then set -- "$@" --env "$GATE_ENV_NAME"; fi
            if [ -n "$GATE_ADVISORY_DB" ]; then set -- "$@" --advisory-db "$GATE_ADVISORY_DB"; fi
            if [ -n "$GATE_DIFF_BASE" ]; then set -- "$@" "--diff-base=$GATE_DIFF_BASE"; fi
            if [ -n "$GATE_POLICY_REF" ]; then set -- "$@" "--policy-ref=$GATE_POLICY_REF"; fi
            .gate-venv/bin/gate "$@" 2> "$GATE_OUT/stderr.txt"
            status=$?
            cat "$GATE_OUT/stderr.txt" >&2
            exit $status
        ''')
    }

    if (fileExists("${out}/junit.xml")) {
        junit(testResults: "${out}/junit.xml", allowEmptyResults: true)
    }
    if (fileExists("${out}/gate.sarif")) {
        recordIssues(tools: [sarif(pattern: "${out}/gate.sarif", id: 'serverless-gate',
                                   name: 'serverless-gate')])
    }
    if (fileExists("${out}/index.html")) {
        publishHTML(target: [reportDir: out, reportFiles: 'index.html',
                             reportName: 'serverless-gate', keepAll: true,
                             alwaysLinkToLastBuild: true, allowMissing: true])
    }

    if (code == 1) {
        error('serverless-gate: blocking findings; see the serverless-gate report')
    } else if (code != 0) {
        String reason = fileExists("${out}/stderr.txt") ? readFile("${out}/stderr.txt").trim() : ''
        error("serverless-gate could not decide (exit ${code}): ${reason ?: 'see the log'}")
    }
    return code
}
