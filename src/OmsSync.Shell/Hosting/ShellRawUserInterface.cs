using System.Management.Automation.Host;

namespace OmsSync.Shell.Hosting;

/// <summary>
/// The little of the console's raw interface that scripts and the formatter use: the
/// width (a terminal's own, or 120 columns when output goes to a file or pipe), colors,
/// the cursor and key reading. Screen-buffer access is not offered.
/// </summary>
internal sealed class ShellRawUserInterface(ShellConsole console) : PSHostRawUserInterface
{
    private const int RedirectedWidth = 120;
    private const int RedirectedHeight = 50;

    public override ConsoleColor BackgroundColor
    {
        get => TryConsole(() => Console.BackgroundColor, ConsoleColor.Black);
        set => TryConsole(() => Console.BackgroundColor = value, value);
    }

    public override ConsoleColor ForegroundColor
    {
        get => TryConsole(() => Console.ForegroundColor, ConsoleColor.Gray);
        set => TryConsole(() => Console.ForegroundColor = value, value);
    }

    public override Size BufferSize
    {
        get => new(Width, TryConsole(() => Console.BufferHeight, RedirectedHeight));
        set { }
    }

    public override Size WindowSize
    {
        get => new(Width, Height);
        set { }
    }

    public override Size MaxWindowSize => WindowSize;

    public override Size MaxPhysicalWindowSize => WindowSize;

    public override Coordinates CursorPosition
    {
        get => console.IsOutputTerminal
            ? TryConsole(() => new Coordinates(Console.CursorLeft, Console.CursorTop), default)
            : default;
        set
        {
            if (console.IsOutputTerminal)
            {
                TryConsole(() => { Console.SetCursorPosition(value.X, value.Y); return 0; }, 0);
            }
        }
    }

    public override Coordinates WindowPosition
    {
        get => default;
        set { }
    }

    public override int CursorSize
    {
        get => 25;
        set { }
    }

    public override string WindowTitle
    {
        get => "omssync";
        set { }
    }

    public override bool KeyAvailable => console.IsInputTerminal && Console.KeyAvailable;

    private int Width => console.OutputReachesTerminal
        ? Math.Max(TryConsole(() => Console.WindowWidth, RedirectedWidth), 20)
        : RedirectedWidth;

    private int Height => console.IsOutputTerminal
        ? TryConsole(() => Console.WindowHeight, RedirectedHeight)
        : RedirectedHeight;

    public override KeyInfo ReadKey(ReadKeyOptions options)
    {
        var key = Console.ReadKey(intercept: (options & ReadKeyOptions.NoEcho) != 0);
        return new KeyInfo((int)key.Key, key.KeyChar, ToControlKeyStates(key.Modifiers), keyDown: true);
    }

    public override void FlushInputBuffer()
    {
        while (console.IsInputTerminal && Console.KeyAvailable)
        {
            Console.ReadKey(intercept: true);
        }
    }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
        throw new NotSupportedException("omssync does not read the screen buffer.");

    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) =>
        throw new NotSupportedException("omssync does not scroll the screen buffer.");

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) =>
        throw new NotSupportedException("omssync does not write the screen buffer.");

    public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
    {
        // Clear-Host sends a full-screen fill: do it with an escape sequence on a terminal.
        if (rectangle.Left == -1 && console.IsOutputTerminal)
        {
            console.WriteOutput("\e[2J\e[3J\e[H");
        }
    }

    private static ControlKeyStates ToControlKeyStates(ConsoleModifiers modifiers)
    {
        ControlKeyStates states = 0;
        if ((modifiers & ConsoleModifiers.Alt) != 0) states |= ControlKeyStates.LeftAltPressed;
        if ((modifiers & ConsoleModifiers.Control) != 0) states |= ControlKeyStates.LeftCtrlPressed;
        if ((modifiers & ConsoleModifiers.Shift) != 0) states |= ControlKeyStates.ShiftPressed;
        return states;
    }

    // Console properties throw when no terminal is attached; the fallback keeps scripts running.
    private static T TryConsole<T>(Func<T> read, T fallback)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PlatformNotSupportedException or ArgumentOutOfRangeException)
        {
            return fallback;
        }
    }
}
