BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Export-OmsConflict' {
    Test-CmdletContract Export-OmsConflict -Parameters Path, Name, InputObject, Format, NoClobber -Sets InputObject, Name `
        -Mandatory ':Path', 'Name:Name', 'InputObject:InputObject' -ByValue InputObject -ConfirmImpact Low

    Context 'writing files' -Tag Integration {
        BeforeAll { $t = New-TestConflictMigration export }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $t.Database }

        It 'writes a task''s conflict log as CSV, every field quoted' {
            $path = Join-Path $env:OMSSYNC_HOME "$($t.Task).csv"
            $file = Export-OmsConflict -Name $t.Task -Path $path
            $file.FullName | Should -Be $path
            $lines = Get-Content $path
            $lines[0] | Should -Be '"Id","Task","Direction","Table","Key","Type","SourceBefore","SourceAfter","TargetRow","Policy","Outcome","Time","Resolved","Resolution"'
            $lines | Should -HaveCount 3
            $lines[1] | Should -BeLike '*"InsertExists"*'
            $lines[1] | Should -BeLike '*"{""id"":""*' # quotes inside fields are doubled
            (Import-Csv $path).Task | Sort-Object -Unique | Should -Be $t.Task
        }
        It 'writes piped records as JSON, by the extension' {
            $path = Join-Path $env:OMSSYNC_HOME "$($t.Task).json"
            Get-OmsConflict $t.Task | Export-OmsConflict $path | Out-Null
            $records = Get-Content $path -Raw | ConvertFrom-Json
            $records | Should -HaveCount 2
            $records.Type | Sort-Object -Unique | Should -Be 'InsertExists'
        }
        It 'keeps an existing file with -NoClobber (FileExists) and writes nothing with -WhatIf' {
            $path = Join-Path $env:OMSSYNC_HOME "$($t.Task)-kept.csv"
            Set-Content $path 'keep me'
            Export-OmsConflict -Name $t.Task -Path $path -NoClobber -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
            $e[0].TargetObject | Should -Be $path
            Get-Content $path | Should -Be 'keep me'
            $other = Join-Path $env:OMSSYNC_HOME "$($t.Task)-whatif.csv"
            Export-OmsConflict -Name $t.Task -Path $other -WhatIf
            Test-Path $other | Should -BeFalse
        }
        It 'reports an unknown task (TaskNotFound)' {
            Export-OmsConflict -Name no-such-task -Path (Join-Path $env:OMSSYNC_HOME 'x.csv') -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
        }
    }
}
