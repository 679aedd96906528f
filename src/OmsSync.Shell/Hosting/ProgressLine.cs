using System.Management.Automation;

namespace OmsSync.Shell.Hosting;

/// <summary>
/// Write-Progress as one line redrawn in place on standard error. Nothing is drawn when
/// standard error is a file or pipe: progress is for people watching, not for logs.
/// </summary>
internal sealed class ProgressLine(ShellConsole console, Func<int> width)
{
    private const int BarWidth = 20;
    private bool _visible;

    public void Show(ProgressRecord record)
    {
        if (!console.IsErrorTerminal)
        {
            return;
        }

        if (record.RecordType == ProgressRecordType.Completed)
        {
            Clear();
            return;
        }

        string text = Describe(record);
        int room = Math.Max(width() - 1, 10);
        if (text.Length > room)
        {
            text = text[..(room - 1)] + "…";
        }

        console.WriteError($"\r\e[K\e[33m{text}{AnsiText.Reset}");
        _visible = true;
    }

    public void Clear()
    {
        if (_visible)
        {
            console.WriteError("\r\e[K");
            _visible = false;
        }
    }

    private static string Describe(ProgressRecord record)
    {
        string status = string.IsNullOrEmpty(record.StatusDescription) ? string.Empty : $" {record.StatusDescription}";
        string bar = string.Empty;
        if (record.PercentComplete >= 0)
        {
            int percent = Math.Min(record.PercentComplete, 100);
            int filled = percent * BarWidth / 100;
            bar = $" [{new string('#', filled)}{new string(' ', BarWidth - filled)}] {percent}%";
        }

        string remaining = record.SecondsRemaining > 0 ? $" {TimeSpan.FromSeconds(record.SecondsRemaining):g} left" : string.Empty;
        string operation = string.IsNullOrEmpty(record.CurrentOperation) ? string.Empty : $" - {record.CurrentOperation}";
        return $"{record.Activity}:{status}{bar}{remaining}{operation}";
    }
}
