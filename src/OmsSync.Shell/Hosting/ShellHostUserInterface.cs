using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace OmsSync.Shell.Hosting;

/// <summary>
/// Console user interface of the host. Formatted output, Write-Host and Write-Information
/// go to standard output, as in pwsh. Errors, warnings, verbose and debug messages go to
/// standard error, so that a script's standard output stays data that other programs can
/// read (pwsh writes warnings, verbose and debug to standard output; here they do not).
/// </summary>
internal sealed class ShellHostUserInterface : PSHostUserInterface
{
    private const string ErrorColor = "\e[31;1m";
    private const string NoticeColor = "\e[33;1m";

    private readonly ShellConsole _console;
    private readonly ShellRawUserInterface _rawUI;
    private readonly ProgressLine _progress;
    private readonly bool _nonInteractive;

    public ShellHostUserInterface(ShellConsole console, bool nonInteractive)
    {
        _console = console;
        _rawUI = new ShellRawUserInterface(console);
        _progress = new ProgressLine(console, () => _rawUI.WindowSize.Width);
        _nonInteractive = nonInteractive;
    }

    public override PSHostRawUserInterface RawUI => _rawUI;

    public override bool SupportsVirtualTerminal => _console.IsOutputTerminal;

    public override void Write(string value) => Output(value);

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
    {
        if (!_console.OutputReachesTerminal || value.Length == 0)
        {
            Output(value);
            return;
        }

        // Write-Host passes the current console colors when none were asked for; only real changes are colored.
        string prefix = string.Empty;
        if (foregroundColor != _rawUI.ForegroundColor) prefix += AnsiText.Color(foregroundColor, background: false);
        if (backgroundColor != _rawUI.BackgroundColor) prefix += AnsiText.Color(backgroundColor, background: true);
        Output(prefix.Length == 0 ? value : prefix + value + AnsiText.Reset);
    }

    public override void WriteLine(string value) => Output(value + Environment.NewLine);

    public override void WriteErrorLine(string value) => Notice(ErrorColor, value);

    public override void WriteWarningLine(string message) => Notice(NoticeColor, "WARNING: " + message);

    public override void WriteVerboseLine(string message) => Notice(NoticeColor, "VERBOSE: " + message);

    public override void WriteDebugLine(string message) => Notice(NoticeColor, "DEBUG: " + message);

    public override void WriteProgress(long sourceId, ProgressRecord record) => _progress.Show(record);

    public override string ReadLine()
    {
        EnsureInteractive();
        _progress.Clear();
        return Console.ReadLine() ?? string.Empty;
    }

    public override SecureString ReadLineAsSecureString()
    {
        EnsureInteractive();
        _progress.Clear();
        var secret = new SecureString();
        if (!_console.IsInputTerminal)
        {
            foreach (char c in Console.ReadLine() ?? string.Empty) secret.AppendChar(c);
        }
        else
        {
            for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            {
                if (key.Key == ConsoleKey.Backspace)
                {
                    if (secret.Length > 0) secret.RemoveAt(secret.Length - 1);
                }
                else if (key.KeyChar != '\0')
                {
                    secret.AppendChar(key.KeyChar);
                }
            }

            Output(Environment.NewLine);
        }

        secret.MakeReadOnly();
        return secret;
    }

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        EnsureInteractive();
        WriteHeading(caption, message);
        var answers = new Dictionary<string, PSObject>();
        foreach (var field in descriptions)
        {
            string label = string.IsNullOrEmpty(field.Label) ? field.Name : field.Label.Replace("&", string.Empty);
            Write(label + ": ");
            answers[field.Name] = field.ParameterTypeFullName == typeof(SecureString).FullName
                ? PSObject.AsPSObject(ReadLineAsSecureString())
                : PSObject.AsPSObject(ReadLine());
        }

        return answers;
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        EnsureInteractive();
        WriteHeading(caption, message);
        var hotkeys = choices.Select(HotKey).ToArray();
        string menu = string.Join("  ", choices.Select((c, i) => $"[{hotkeys[i]}] {c.Label.Replace("&", string.Empty)}"));
        string suffix = defaultChoice >= 0 ? $" (default is \"{hotkeys[defaultChoice]}\")" : string.Empty;
        while (true)
        {
            Write($"{menu}{suffix}: ");
            string answer = ReadLine().Trim();
            if (answer.Length == 0 && defaultChoice >= 0)
            {
                return defaultChoice;
            }

            int index = Array.FindIndex(hotkeys, k => string.Equals(k, answer, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                index = choices.ToList().FindIndex(c => string.Equals(c.Label.Replace("&", string.Empty), answer, StringComparison.OrdinalIgnoreCase));
            }

            if (index >= 0)
            {
                return index;
            }
        }
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(
        string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        EnsureInteractive();
        WriteHeading(caption, message);
        if (string.IsNullOrEmpty(userName))
        {
            Write("User: ");
            userName = ReadLine();
        }

        Write($"Password for user {userName}: ");
        return new PSCredential(userName, ReadLineAsSecureString());
    }

    private static string HotKey(ChoiceDescription choice)
    {
        int amp = choice.Label.IndexOf('&');
        return amp >= 0 && amp + 1 < choice.Label.Length
            ? char.ToUpper(choice.Label[amp + 1], CultureInfo.CurrentCulture).ToString()
            : choice.Label;
    }

    private void WriteHeading(string caption, string message)
    {
        if (!string.IsNullOrEmpty(caption)) WriteLine(caption);
        if (!string.IsNullOrEmpty(message)) WriteLine(message);
    }

    private void EnsureInteractive()
    {
        if (_nonInteractive)
        {
            throw new PSInvalidOperationException(
                "omssync is running with -NonInteractive: the script asked for input, which cannot be given.");
        }
    }

    private void Output(string text)
    {
        _progress.Clear();
        _console.WriteOutput(text);
    }

    private void Notice(string color, string text)
    {
        _progress.Clear();
        bool colored = _console.IsErrorTerminal && !text.Contains('\e');
        _console.WriteError((colored ? color + text + AnsiText.Reset : text) + Environment.NewLine);
    }
}
