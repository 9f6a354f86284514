/** How to add a host: the README's commands, with this hub's address filled in. */

/** The commands that register a host and start its agent (README, "Hosts and agents"). */
export function AgentSetup({ hostId = 'web-1', apiKey, intervalS = 10 }: { hostId?: string; apiKey?: string; intervalS?: number }) {
  const hub = location.origin;
  const lines = [
    ...(apiKey
      ? []
      : [`# On the hub's machine: register the host (prints its API key once)`, `wheelhouse hosts add ${hostId} --label env=prod`, '']),
    `# On the host: keep the key in a file only root can read, then start the agent`,
    `echo '${apiKey ?? 'whh_…'}' > /etc/wheelhouse-agent.key && chmod 600 /etc/wheelhouse-agent.key`,
    `wheelhouse agent --hub ${hub} --host-id ${hostId} \\`,
    `  --api-key-file /etc/wheelhouse-agent.key${intervalS !== 10 ? ` --interval ${intervalS}` : ''}`,
  ];
  return (
    <div className="agent-setup">
      <pre className="code-block" data-testid="agent-command">
        {lines.join('\n')}
      </pre>
      <p className="hint">
        The agent reports every {intervalS} s (<code>--interval</code>); the host shows up here with its first report. For mutual TLS instead of an API key, issue a
        certificate with <code>wheelhouse certs issue {hostId}</code> and set <code>agents.listen_port</code> (see the README, “Hosts and agents”). In a systemd
        unit, prefer the leaner <code>wheelhouse-agent</code> binary (same options).
      </p>
    </div>
  );
}
