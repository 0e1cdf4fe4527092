"""Summarizes one scanner's JSON output (scripts/suites/scan): one line per check, and an exit
status of 1 if the scanner found a vulnerability or could not scan.

    summarize.py sslyze NAME FILE    (SSLyze --json_out)
    summarize.py testssl NAME FILE   (testssl.sh --jsonfile, the flat format)
"""

import json
import sys

# ROBOT verdicts that are not a vulnerability.
ROBOT_OK = {"NOT_VULNERABLE_NO_ORACLE", "NOT_VULNERABLE_RSA_NOT_SUPPORTED"}
VERSIONS = [
    ("ssl_2_0_cipher_suites", "SSLv2", False),
    ("ssl_3_0_cipher_suites", "SSLv3", False),
    ("tls_1_0_cipher_suites", "TLS 1.0", False),
    ("tls_1_1_cipher_suites", "TLS 1.1", False),
    ("tls_1_2_cipher_suites", "TLS 1.2", True),
    ("tls_1_3_cipher_suites", "TLS 1.3", True),
]


def sslyze(name, path):
    doc = json.load(open(path))
    bad = []
    for server in doc["server_scan_results"]:
        if server["scan_status"] != "COMPLETED":
            trace = (server.get("connectivity_error_trace") or "").strip().splitlines()
            bad.append(f"no scan: {server['scan_status']}: {trace[-1] if trace else ''}")
            continue
        r = server["scan_result"]

        def result(key):
            attempt = r.get(key) or {}
            if attempt.get("status") != "COMPLETED":
                bad.append(f"{key}: {attempt.get('status')} {attempt.get('error_reason')}")
                return None
            return attempt["result"]

        offered = []
        for key, label, allowed in VERSIONS:
            res = result(key)
            if res and res["is_tls_version_supported"]:
                suites = [s["cipher_suite"]["name"] for s in res["accepted_cipher_suites"]]
                offered.append(f"{label} ({len(suites)} suites)")
                if not allowed:
                    bad.append(f"{label} accepted")
        print(f"  versions: {', '.join(offered) or 'none'}")
        checks = [
            ("heartbleed", "is_vulnerable_to_heartbleed", False),
            ("openssl_ccs_injection", "is_vulnerable_to_ccs_injection", False),
            ("tls_compression", "supports_compression", False),
            ("session_renegotiation", "is_vulnerable_to_client_renegotiation_dos", False),
            ("session_renegotiation", "supports_secure_renegotiation", None),
            ("tls_fallback_scsv", "supports_fallback_scsv", None),
            ("tls_1_3_early_data", "supports_early_data", False),
            ("tls_extended_master_secret", "supports_ems_extension", None),
        ]
        for key, field, must_be in checks:
            res = result(key)
            if res is None:
                continue
            value = res[field]
            print(f"  {key}.{field}: {value}")
            if must_be is not None and value != must_be:
                bad.append(f"{key}.{field} = {value}")
        robot = result("robot")
        if robot:
            print(f"  robot: {robot['robot_result']}")
            if robot["robot_result"] not in ROBOT_OK:
                bad.append(f"ROBOT: {robot['robot_result']}")
        resum = result("session_resumption")
        if resum:
            print(
                f"  session_resumption: id {resum['session_id_resumption_result']}, "
                f"ticket {resum['tls_ticket_resumption_result']}"
            )
        curves = result("elliptic_curves")
        if curves:
            names = [c["name"] for c in curves["supported_curves"] or []]
            print(f"  elliptic_curves: {', '.join(names)}")
    return bad


# testssl.sh severities that are findings; HIGH and CRITICAL fail the run, except the
# certificate checks: they judge the throwaway test PKI (no CRL or OCSP address, no CAA
# record), not the TLS stack.
TESTSSL_SHOWN = {"LOW", "MEDIUM", "HIGH", "CRITICAL", "WARN", "FATAL"}
TESTSSL_PKI = ("cert_", "DNS_CAArecord")


def testssl(name, path):
    try:
        items = json.load(open(path))
    except (OSError, ValueError) as e:
        return [f"no testssl.sh output: {e}"]
    bad = []
    counts = {}
    for item in items:
        sev = item.get("severity", "?")
        counts[sev] = counts.get(sev, 0) + 1
        about_pki = str(item.get("id", "")).startswith(TESTSSL_PKI)
        if sev in TESTSSL_SHOWN:
            note = " (test PKI)" if about_pki else ""
            print(f"  {sev} {item.get('id')}: {item.get('finding')}{note}")
        if sev in {"HIGH", "CRITICAL", "FATAL"} and not about_pki:
            bad.append(f"{item.get('id')}: {item.get('finding')}")
    print("  severities: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return bad


def main():
    tool, name, path = sys.argv[1:4]
    print(f"{tool} against the {name!r} server:")
    bad = {"sslyze": sslyze, "testssl": testssl}[tool](name, path)
    for b in bad:
        print(f"  PROBLEM {b}")
    print(f"  {'FAILED' if bad else 'ok'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
