BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Get-OmsTask' {
    Test-CmdletContract Get-OmsTask -Parameters Name, Label -ByValue Name -ByPropertyName Name

    Context 'reading' -Tag Integration {
        BeforeAll {
            $prod = New-TestTask -Options @{ Label = 'prod' }
            $test = New-TestTask -Options @{ Label = 'test' }
        }
        AfterAll { Remove-TestTask $prod; Remove-TestTask $test }

        It 'shows one object per direction that has run, Forward first' {
            $tasks = Get-OmsTask $prod.Task
            @($tasks).Count | Should -Be 1
            "$($tasks.Direction)" | Should -Be 'Forward'
            $tasks.Source | Should -Be $prod.Source
            $tasks.PSObject.TypeNames[0] | Should -Be 'OmsSync.PowerShell.Output.OmsTask'
        }
        It 'filters by label with wildcards' {
            (Get-OmsTask -Label 'pro*').Name | Should -Contain $prod.Task
            (Get-OmsTask -Label 'pro*').Name | Should -Not -Contain $test.Task
        }
        It 'reports TaskNotFound for each missing name and goes on' {
            $found = Get-OmsTask 'no-such-task', $test.Task -ErrorVariable e -ErrorAction SilentlyContinue
            $found.Name | Should -Be $test.Task
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $e[0].TargetObject | Should -Be 'no-such-task'
        }
    }

    Context 'progress of a migration' -Tag Integration {
        BeforeAll {
            $db = New-TestSourceDatabase gett 2000
            $t = New-TestTask -Database $db
            $null = Start-OmsForward $t.Task -Wait -Confirm:$false
        }
        AfterAll { Remove-TestTask $t; Remove-TestDatabase $db }

        It 'shows per-table progress once the copy is done' {
            $task = Get-OmsTask $t.Task
            "$($task.Status)" | Should -Be 'Completed'
            $task.Tables | Should -HaveCount 1
            $table = $task.Tables[0]
            $table.SourceTable | Should -Be "$db.items"
            $table.TargetTable | Should -Be "$($t.TargetDatabase).items"
            $table.RowsCopied | Should -Be 2000
            $table.Percent | Should -Be 100
        }
    }
}
