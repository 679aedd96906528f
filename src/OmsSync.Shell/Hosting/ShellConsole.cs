using System.Text;

namespace OmsSync.Shell.Hosting;

/// <summary>
/// The process's standard streams as the host sees them: whether each is a terminal,
/// escape sequences removed from text bound for a file or pipe, and an optional capture
/// that takes the output stream's text instead (used by the Out-String stand-in).
/// </summary>
internal sealed class ShellConsole
{
    private readonly Stack<StringBuilder> _captures = new();
    private readonly Lock _gate = new();

    public ShellConsole()
    {
        IsOutputTerminal = !Console.IsOutputRedirected;
        IsErrorTerminal = !Console.IsErrorRedirected;
        IsInputTerminal = !Console.IsInputRedirected;
        Current = this;
    }

    /// <summary>The console of this process, for commands that capture host output (Out-String).</summary>
    public static ShellConsole? Current { get; private set; }

    public bool IsOutputTerminal { get; }

    public bool IsErrorTerminal { get; }

    public bool IsInputTerminal { get; }

    /// <summary>Whether text written now reaches a terminal (false while captured).</summary>
    public bool OutputReachesTerminal
    {
        get
        {
            lock (_gate)
            {
                return IsOutputTerminal && _captures.Count == 0;
            }
        }
    }

    public void WriteOutput(string text)
    {
        lock (_gate)
        {
            if (_captures.TryPeek(out var capture))
            {
                capture.Append(AnsiText.Strip(text));
                return;
            }

            Console.Out.Write(IsOutputTerminal ? text : AnsiText.Strip(text));
        }
    }

    public void WriteError(string text)
    {
        lock (_gate)
        {
            Console.Error.Write(IsErrorTerminal ? text : AnsiText.Strip(text));
        }
    }

    /// <summary>Sends output-stream text into <paramref name="target"/> until the result is disposed.</summary>
    public IDisposable Capture(StringBuilder target)
    {
        lock (_gate)
        {
            _captures.Push(target);
        }

        return new CaptureScope(this);
    }

    private void EndCapture()
    {
        lock (_gate)
        {
            _captures.Pop();
        }
    }

    private sealed class CaptureScope(ShellConsole console) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                console.EndCapture();
            }
        }
    }
}
