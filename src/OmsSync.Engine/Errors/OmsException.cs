namespace OmsSync.Engine.Errors;

/// <summary>What kind of failure an <see cref="OmsException"/> is; the module maps it to an ErrorCategory.</summary>
public enum OmsErrorKind
{
    NotFound,
    InvalidArgument,
    AlreadyExists,
    InvalidState,
    ConnectionFailed,
    AuthenticationFailed,
    PermissionDenied,
    NotSupported,
    DataError,
}

/// <summary>
/// An error OmsSync can explain: a stable id (PascalCase, for scripts to match on), a kind, the
/// object at fault, and a message that says what is wrong and what to do.
/// </summary>
public class OmsException : Exception
{
    public OmsException(string errorId, OmsErrorKind kind, string? target, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public OmsErrorKind Kind { get; }
    public string? Target { get; }

    public static OmsException NotFound(string what, string name, string hint) =>
        new($"{what}NotFound", OmsErrorKind.NotFound, name, $"{what} '{name}' does not exist. {hint}");
}

/// <summary>A database server refused or failed a statement; carries the server's error number or SQLSTATE.</summary>
public sealed class DatabaseException : OmsException
{
    public DatabaseException(string errorId, OmsErrorKind kind, string? target, string message, int? serverError, string? sqlState, Exception? inner = null)
        : base(errorId, kind, target, message, inner)
    {
        ServerError = serverError;
        SqlState = sqlState;
    }

    public int? ServerError { get; }
    public string? SqlState { get; }
}
