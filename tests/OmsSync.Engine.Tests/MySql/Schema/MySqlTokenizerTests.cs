using OmsSync.Engine.MySql.Schema;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Schema;

public sealed class MySqlTokenizerTests
{
    [Theory]
    [InlineData("select `a``b`.`c` from t -- note\nwhere x = 'it''s \\' here' # hash\n/* block */ and y=\"dq\"")]
    [InlineData("select 1.5e10, .5, 0x1F, b'101', _utf8mb4'x', @v, @@global.x, a<=>b, c->>'$.k'")]
    [InlineData("unterminated 'string")]
    [InlineData("`unterminated identifier")]
    [InlineData("/*!50100 PARTITION BY HASH (id) */")]
    public void TokensConcatenateToTheInput(string sql)
    {
        var tokens = MySqlTokenizer.Tokenize(sql);
        Assert.Equal(sql, string.Concat(tokens.Select(t => t.Text)));
    }

    [Fact]
    public void KindsAreRecognised()
    {
        var tokens = MySqlTokenizer.Tokenize("`we``ird` 'it''s' \"d\" 12.5 name -- c\n@x .").Where(t => !t.IsTrivia || t.Kind == MySqlTokenKind.Comment).ToList();
        Assert.Equal(
            [MySqlTokenKind.QuotedIdentifier, MySqlTokenKind.String, MySqlTokenKind.String, MySqlTokenKind.Number, MySqlTokenKind.Word,
             MySqlTokenKind.Comment, MySqlTokenKind.Variable, MySqlTokenKind.Symbol],
            tokens.Select(t => t.Kind));
        Assert.Equal("we`ird", tokens[0].IdentifierValue);
    }

    [Fact]
    public void BackslashEscapedQuoteStaysInsideTheString()
    {
        var tokens = MySqlTokenizer.Tokenize(@"'a\'b' x");
        Assert.Equal(@"'a\'b'", tokens[0].Text);
        var ansi = MySqlTokenizer.Tokenize(@"'a\' x", backslashEscapes: false);
        Assert.Equal(@"'a\'", ansi[0].Text);
    }

    [Fact]
    public void DigitsAfterADotInAQualifiedNameAreNotANumber()
    {
        var tokens = MySqlTokenizer.Tokenize("db.1t").Select(t => t.Kind).ToList();
        Assert.Equal([MySqlTokenKind.Word, MySqlTokenKind.Symbol, MySqlTokenKind.Word], tokens);
    }

    [Theory]
    [InlineData("(a + (b))", true)]
    [InlineData("(a) + (b)", false)]
    [InlineData("rand()", false)]
    [InlineData(" ( x ) ", true)]
    [InlineData("(')')", true)]
    public void ParenthesizedDetection(string expression, bool expected) =>
        Assert.Equal(expected, MySqlSyntax.IsParenthesized(expression));

    [Theory]
    [InlineData("plain", "`plain`")]
    [InlineData("we`ird", "`we``ird`")]
    [InlineData("a b'c\"", "`a b'c\"`")]
    [InlineData("select", "`select`")]
    public void IdentifiersAreBackQuoted(string name, string expected) => Assert.Equal(expected, MySqlSyntax.QuoteIdentifier(name));

    [Fact]
    public void StringsAreEscaped() =>
        Assert.Equal(@"'it''s a \\ and \n line'", MySqlSyntax.QuoteString("it's a \\ and \n line"));
}
