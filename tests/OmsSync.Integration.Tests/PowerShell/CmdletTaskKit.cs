using System.Collections;
using System.Management.Automation;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.PowerShell;

/// <summary>
/// A task between two MariaDB servers made as a user makes it (New-OmsDataSource, New-OmsTask), on the suite's servers
/// or a test's private ones, and the waits on Get-OmsTask that tests through the cmdlets need.
/// </summary>
public sealed record CmdletTask(PowerShellSession Ps, string Task, string Source, string Target)
{
    public static CmdletTask Create(PowerShellSession ps, string include, string options, ServerAddress? source = null, ServerAddress? target = null,
        string? name = null)
    {
        var t = new CmdletTask(ps, name ?? PowerShellSession.Unique("task"), PowerShellSession.Unique("src"), PowerShellSession.Unique("dst"));
        source ??= TestServers.MariaDbA;
        target ??= TestServers.MariaDbB;
        ps.Run($$"""
            param($S, $G, $SH, $SP, $GH, $GP)
            $c = New-TestCredential oms '{{TestServers.Password}}'
            $null = New-OmsDataSource $S -Type MariaDb -Server $SH -Port $SP -Credential $c
            $null = New-OmsDataSource $G -Type MariaDb -Server $GH -Port $GP -Credential $c
            """, new Hashtable { ["S"] = t.Source, ["G"] = t.Target, ["SH"] = source.Host, ["SP"] = source.Port, ["GH"] = target.Host, ["GP"] = target.Port });
        t.New(include, options);
        return t;
    }

    /// <summary>New-OmsTask under this task's name between its data sources (again, after Remove-OmsTask).</summary>
    public void New(string include, string options) =>
        Ps.Run($"param($T, $S, $G, $I) $null = New-OmsTask $T -Source $S -Target $G -Include $I {options}",
            new Hashtable { ["T"] = Task, ["S"] = Source, ["G"] = Target, ["I"] = include });

    /// <summary>Runs a script with $T, $S and $G bound to the task and its data sources.</summary>
    public PsResult Invoke(string script) =>
        Ps.Invoke("param($T, $S, $G) " + script, new Hashtable { ["T"] = Task, ["S"] = Source, ["G"] = Target });

    /// <summary>As <see cref="Invoke"/>, failing the test on any error.</summary>
    public IReadOnlyList<PSObject> Run(string script) =>
        Ps.Run("param($T, $S, $G) " + script, new Hashtable { ["T"] = Task, ["S"] = Source, ["G"] = Target });

    /// <summary>The direction as Get-OmsTask shows it.</summary>
    public PSObject State(string direction = "Forward") => Run("Get-OmsTask $T").Single(s => s.Text("Direction") == direction);

    /// <summary>Waits until Get-OmsTask shows the direction running in <paramref name="phase"/>; fails on Failed or after the timeout.</summary>
    public PSObject WaitForPhase(string phase, string direction = "Forward", int seconds = 90) =>
        WaitFor($"phase {phase}", s => s.Text("Phase") == phase && s.Text("Status") == "Running", direction, seconds);

    /// <summary>Waits until Get-OmsTask shows what <paramref name="done"/> looks for; fails on an unexpected Failed or after the timeout.</summary>
    public PSObject WaitFor(string what, Func<PSObject, bool> done, string direction = "Forward", int seconds = 90)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            var state = State(direction);
            if (done(state)) return state;
            if (state.Text("Status") == "Failed" || DateTime.UtcNow > deadline)
                Assert.Fail($"{Task} {direction} while waiting for {what}: {state.Text("Status")} {state.Text("Phase")} {state.Text("Message")}");
            Thread.Sleep(300);
        }
    }

    /// <summary>The worker log of the direction.</summary>
    public string Log(string direction = "Forward")
    {
        var path = new Engine.State.OmsHome(Ps.Home).WorkerLog(Task, Enum.Parse<Engine.Model.Direction>(direction));
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    public void Remove() => Run("Remove-OmsTask $T -Force -Confirm:$false -WarningAction SilentlyContinue; Remove-OmsDataSource $S, $G -Confirm:$false");

    /// <summary>Removes the task and its data sources, then drops the test's databases on the suite's servers (the target's is named like the source's unless given).</summary>
    public async Task RemoveAsync(string? sourceDatabase, string? targetDatabase = null)
    {
        Remove();
        if (sourceDatabase is not null)
            await TestServers.ExecuteAsync(TestServers.MariaDbA, $"DROP DATABASE IF EXISTS `{sourceDatabase}`");
        if ((targetDatabase ?? sourceDatabase) is { } target)
            await TestServers.ExecuteAsync(TestServers.MariaDbB, $"DROP DATABASE IF EXISTS `{target}`");
    }
}
