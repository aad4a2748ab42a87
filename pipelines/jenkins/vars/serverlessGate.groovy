// Jenkins shared-library step:
//   serverlessGate(path: '.', policy: '', env: '', advisoryDb: '', diffBase: ...,
//                  policyRef: ..., softFail: false, source: ...)
//
// On a pull-request build of a multibranch pipeline (CHANGE_TARGET is set), diffBase and
// policyRef default to the target branch, origin/<target>: only what the pull request
// changes blocks, under the policy of the branch it merges into. Pass '' to turn either
// off. Diff mode needs the target branch and the history in the workspace's clone.
//
// The gate is installed from `source` (default: the tag of this library's release, in
// the gate's git repository; set it to `serverless-gate==X.Y.Z` once it is on the package
// index) into a virtualenv outside the workspace (WORKSPACE_TMP), so the gate never
// scans its own installation and the checkout stays clean.
//
// Runs `gate check` (resources/serverless-gate/run-gate.sh), publishes the JUnit report,
// the SARIF report (warnings-ng) and the HTML report, and maps the gate's exit code onto
// the build:
//   0 pass -> build continues;
//   1 blocking findings -> build fails, or is marked UNSTABLE with softFail: true (a
//     report-only roll-out);
//   2 the gate could not decide -> build fails with the reason from the gate's log.
// Parameters are handed to the shell through environment variables, never spliced
// into the command line.
def call(Map args = [:]) {
    String path = args.get('path', '.')
    String policy = args.get('policy', '')
    String gateEnv = args.get('env', '')
    String advisoryDb = args.get('advisoryDb', '')
    String source = args.get('source', 'git+https://github.com/serverless-gate/serverless-gate@v0.1.0')
    boolean softFail = args.get('softFail', false)
    String out = args.get('reportDir', 'serverless-gate')
    String target = env.CHANGE_TARGET ? "origin/${env.CHANGE_TARGET}" : ''
    String diffBase = args.get('diffBase', target)
    String policyRef = args.get('policyRef', target)
    String venv = "${env.WORKSPACE_TMP ?: pwd(tmp: true)}/serverless-gate-venv"

    int code = 0
    withEnv([
        "GATE_PATHS=${path}",
        "GATE_POLICY=${policy}",
        "GATE_ENV_NAME=${gateEnv}",
        "GATE_ADVISORY_DB=${advisoryDb}",
        "GATE_SOURCE=${source}",
        "GATE_VENV=${venv}",
        "GATE_OUT=${out}",
        "GATE_DIFF_BASE=${diffBase}",
        "GATE_POLICY_REF=${policyRef}",
    ]) {
        String script = libraryResource('serverless-gate/run-gate.sh')
        code = sh(label: 'serverless-gate', returnStatus: true, script: script)
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

    if (code == 1 && softFail) {
        unstable('serverless-gate: blocking findings (soft fail); see the serverless-gate report')
    } else if (code == 1) {
        error('serverless-gate: blocking findings; see the serverless-gate report')
    } else if (code != 0) {
        String reason = fileExists("${out}/stderr.txt") ? readFile("${out}/stderr.txt").trim() : ''
        error("serverless-gate could not decide (exit ${code}): ${reason ?: 'see the log'}")
    }
    return code
}
