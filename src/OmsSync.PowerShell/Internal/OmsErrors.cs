using System.Management.Automation;
using OmsSync.Engine.Errors;

namespace OmsSync.PowerShell.Internal;

/// <summary>
/// Turns engine errors into ErrorRecords: the engine's stable id becomes the record's id, its kind an
/// ErrorCategory, its target the record's target object. Messages already say what to do.
/// </summary>
internal static class OmsErrors
{
    public static ErrorRecord From(OmsException exception, object? target = null) =>
        new(exception, exception.ErrorId, Category(exception.Kind), target ?? exception.Target);

    /// <summary>An error the module itself raises: a parameter that cannot be accepted, with the fix in the message.</summary>
    public static ErrorRecord InvalidArgument(string errorId, string parameter, object? target, string message) =>
        new(new PSArgumentException(message, parameter), errorId, ErrorCategory.InvalidArgument, target);

    public static ErrorRecord InvalidState(string errorId, object? target, string message) =>
        new(new PSInvalidOperationException(message), errorId, ErrorCategory.InvalidOperation, target);

    public static ErrorRecord NotFound(string errorId, object? target, string message) =>
        new(new ItemNotFoundException(message), errorId, ErrorCategory.ObjectNotFound, target);

    /// <summary>Anything else the engine let through: still an ErrorRecord with a stable id, never a bare exception.</summary>
    public static ErrorRecord Unexpected(Exception exception, string errorId, object? target) => exception switch
    {
        OmsException oms => From(oms, target),
        OperationCanceledException => new ErrorRecord(exception, "OperationStopped", ErrorCategory.OperationStopped, target),
        UnauthorizedAccessException => new ErrorRecord(exception, errorId, ErrorCategory.PermissionDenied, target),
        IOException => new ErrorRecord(exception, errorId, ErrorCategory.ResourceUnavailable, target),
        _ => new ErrorRecord(exception, errorId, ErrorCategory.NotSpecified, target),
    };

    public static ErrorCategory Category(OmsErrorKind kind) => kind switch
    {
        OmsErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        OmsErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        OmsErrorKind.AlreadyExists => ErrorCategory.ResourceExists,
        OmsErrorKind.InvalidState => ErrorCategory.InvalidOperation,
        OmsErrorKind.ConnectionFailed => ErrorCategory.ConnectionError,
        OmsErrorKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
        OmsErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        OmsErrorKind.NotSupported => ErrorCategory.NotImplemented,
        OmsErrorKind.DataError => ErrorCategory.InvalidData,
        _ => ErrorCategory.NotSpecified,
    };
}
