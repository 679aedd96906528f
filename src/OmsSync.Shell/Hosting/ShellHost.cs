using System.Globalization;
using System.Management.Automation.Host;
using System.Reflection;

namespace OmsSync.Shell.Hosting;

/// <summary>
/// The PSHost of <c>omssync</c>. Besides the console interface it remembers the code of
/// an <c>exit</c> statement that reached the top of the running pipeline.
/// </summary>
internal sealed class ShellHost : PSHost
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public ShellHost(ShellConsole console, bool nonInteractive)
    {
        UI = new ShellHostUserInterface(console, nonInteractive);
    }

    public override string Name => "OmsSync";

    public override Version Version { get; } =
        typeof(ShellHost).Assembly.GetName().Version ?? new Version(0, 0);

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override PSHostUserInterface UI { get; }

    public override CultureInfo CurrentCulture => _culture;

    public override CultureInfo CurrentUICulture => _uiCulture;

    /// <summary>The code passed to <c>exit</c>, once a script has exited.</summary>
    public int? ExitCode { get; private set; }

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;

    public override void EnterNestedPrompt() =>
        throw new NotSupportedException("omssync has no interactive prompt to nest.");

    public override void ExitNestedPrompt() =>
        throw new NotSupportedException("omssync has no interactive prompt to nest.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    /// <summary>The informational version of omssync, e.g. 0.1.0+abc123.</summary>
    public static string ProductVersion =>
        typeof(ShellHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ShellHost).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
