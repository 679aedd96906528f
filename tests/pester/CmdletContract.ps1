# Dot-sourced by every <Cmdlet>.Tests.ps1 before discovery: the blocks each cmdlet's suite opens with,
# its parameter contract (names, sets, mandatory, pipeline binding, ShouldProcess) and its help.

function Test-CmdletContract {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [AllowEmptyCollection()] [string[]] $Parameters,
        [string[]] $Sets = @('__AllParameterSets'),
        [string[]] $Mandatory = @(),
        [string[]] $ByValue = @(),
        [string[]] $ByPropertyName = @(),
        [string] $ConfirmImpact
    )
    $expected = @{
        Command = $Name
        Parameters = ($Parameters | Sort-Object) -join ','
        Sets = ($Sets | Sort-Object) -join ','
        Mandatory = ($Mandatory | Sort-Object) -join ','
        ByValue = ($ByValue | Sort-Object) -join ','
        ByPropertyName = ($ByPropertyName | Sort-Object) -join ','
        ConfirmImpact = $ConfirmImpact
    }
    Context 'parameter contract' -ForEach @($expected) {
        BeforeAll { $contract = Get-CmdletContract $Command }
        It 'has exactly the parameters <Parameters>' { $contract.Parameters -join ',' | Should -Be $Parameters }
        It 'has the parameter sets <Sets>' { $contract.Sets -join ',' | Should -Be $Sets }
        It 'makes mandatory (set:parameter) <Mandatory>' { $contract.Mandatory -join ',' | Should -Be $Mandatory }
        It 'binds by value from the pipeline <ByValue>' { $contract.ByValue -join ',' | Should -Be $ByValue }
        It 'binds by property name from the pipeline <ByPropertyName>' { $contract.ByPropertyName -join ',' | Should -Be $ByPropertyName }
        It 'supports -WhatIf and -Confirm exactly when it changes state (ConfirmImpact <ConfirmImpact>)' {
            $contract.ShouldProcess | Should -Be ([bool] $ConfirmImpact)
            if ($ConfirmImpact) { $contract.ConfirmImpact | Should -Be $ConfirmImpact }
        }
    }
    Context 'help' -ForEach @(@{ Command = $Name; Own = $Parameters }) {
        BeforeAll { $help = Get-HelpSummary $Command }
        It 'has a synopsis of its own' {
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -BeLike "$Command*"
        }
        It 'describes every parameter' {
            $help.Undescribed -join ',' | Should -Be ''
            foreach ($parameter in $Own) { $help.Parameters | Should -Contain $parameter }
        }
        It 'has an example that runs it' {
            $help.Examples.Count | Should -BeGreaterOrEqual 1
            ($help.Examples -match [regex]::Escape($Command)).Count | Should -BeGreaterOrEqual 1
        }
    }
}
